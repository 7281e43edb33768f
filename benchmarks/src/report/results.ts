import type { ModelBench } from '../evaluator/run-model.js';
import type { LargeModelManifest } from '../large-model.js';
import type { EvaluatorSettings, ServerSettings } from '../options.js';
import type { COURSE_LOCUST } from '../server/closed-loop.js';
import type { ClosedLoopRun, OpenLoopRun } from '../server/run-config.js';

/** One target from issue 7 with its verdict (null: not measured in this run). */
export interface TargetVerdict {
  id: string;
  target: string;
  met: boolean | null;
  detail: string;
}

/** Everything one `pnpm bench` run measured: written as benchmarks/results/<date>.json. */
export interface BenchResults {
  schema: 1;
  mode: 'quick' | 'full';
  command: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  git: { sha: string; dirty: boolean };
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    platform: string;
    release: string;
    loadAverageStart: number[];
    loadAverageEnd: number[];
  };
  versions: Record<string, string>;
  settings: { evaluator: EvaluatorSettings; server: ServerSettings };
  evaluator: {
    credit: (ModelBench & { version: string }) | null;
    large: (ModelBench & { manifest: LargeModelManifest; trainedNow: boolean }) | null;
    errors: string[];
  } | null;
  server: {
    model: string;
    payloadRows: number;
    openLoop: OpenLoopRun[];
    closedLoop: ClosedLoopRun | null;
    course: typeof COURSE_LOCUST;
    notes: string[];
  } | null;
  targets: TargetVerdict[];
  errors: string[];
}
