import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { compareCreationTimes, parseCreationTime } from './creation-time.js';
import { DeployError } from './errors.js';

const A = { version: 'a', creationTime: '2026-12-03T16:15:00.123456Z' };
const B = { version: 'b', creationTime: '2026-12-03T16:15:00.123457Z' }; // 1 µs newer than A

describe('decide (the course DAG, branch by branch)', () => {
  it('deploys when the API is down, whatever is in the registry', () => {
    expect(decide({ apiUp: false, deployed: null, latest: B })).toEqual({
      action: 'deploy',
      branch: 'deploy_new_model',
      reason: 'api_down',
      deployed: null,
      latest: B,
    });
    expect(decide({ apiUp: false, deployed: null, latest: null })).toMatchObject({
      action: 'deploy',
      reason: 'api_down',
    });
  });

  it('deploys when the API is up but nothing is deployed', () => {
    expect(decide({ apiUp: true, deployed: undefined, latest: A })).toEqual({
      action: 'deploy',
      branch: 'deploy_new_model',
      reason: 'nothing_deployed',
      deployed: null,
      latest: A,
    });
  });

  it('deploys when the trained model is newer, down to the microsecond', () => {
    expect(decide({ apiUp: true, deployed: A, latest: B })).toEqual({
      action: 'deploy',
      branch: 'deploy_new_model',
      reason: 'trained_model_newer',
      deployed: A,
      latest: B,
    });
  });

  it('skips when the deployed model has the same creation time', () => {
    expect(decide({ apiUp: true, deployed: A, latest: { ...A, version: 'a-copy' } })).toMatchObject(
      {
        action: 'skip',
        branch: 'skip_deployment',
        reason: 'deployed_model_up_to_date',
      },
    );
  });

  it('skips when the deployed model is newer than the latest trained one (e.g. after a manual deploy)', () => {
    expect(decide({ apiUp: true, deployed: B, latest: A })).toMatchObject({
      action: 'skip',
      reason: 'deployed_model_up_to_date',
    });
  });

  it('skips when there is no trained model', () => {
    expect(decide({ apiUp: true, deployed: A, latest: null })).toEqual({
      action: 'skip',
      branch: 'skip_deployment',
      reason: 'no_trained_model',
      deployed: A,
      latest: null,
    });
  });

  it('compares instants, not strings: an offset and a missing zone are handled', () => {
    const deployed = { version: 'x', creationTime: '2026-12-03T18:15:00+02:00' }; // 16:15 UTC
    expect(
      decide({
        apiUp: true,
        deployed,
        latest: { version: 'y', creationTime: '2026-12-03T16:15:00.000001' },
      }),
    ).toMatchObject({ action: 'deploy', reason: 'trained_model_newer' });
    expect(
      decide({
        apiUp: true,
        deployed,
        latest: { version: 'y', creationTime: '2026-12-03T16:15:00Z' },
      }),
    ).toMatchObject({ action: 'skip' });
  });

  it('throws a DeployError for a creation time that is not a timestamp', () => {
    expect(() =>
      decide({ apiUp: true, deployed: A, latest: { version: 'z', creationTime: 'yesterday' } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DeployError: creation_time "yesterday" is not an ISO 8601 timestamp]`,
    );
  });
});

describe('creation times', () => {
  it('keeps microseconds and nanoseconds that Date would drop', () => {
    expect(parseCreationTime(B.creationTime) - parseCreationTime(A.creationTime)).toBe(1000n);
    expect(compareCreationTimes('2026-01-01T00:00:00.000000001Z', '2026-01-01T00:00:00Z')).toBe(1);
  });

  it('rejects impossible dates with code CREATION_TIME', () => {
    try {
      parseCreationTime('2026-02-30T00:00:00Z');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DeployError);
      expect((e as DeployError).code).toBe('CREATION_TIME');
    }
  });
});
