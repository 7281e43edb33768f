// The shape of a model written by CatBoost's `save_model(path, format="json")`.
// Keys are as CatBoost spells them (including `prior_denomerator`).

type NanValueTreatment = 'AsIs' | 'AsFalse' | 'AsTrue';
export type CtrType = 'Borders' | 'Buckets' | 'BinarizedTargetMeanValue' | 'FloatTargetMeanValue' | 'Counter' | 'FeatureFreq';

interface FloatFeatureJson {
  feature_index: number;
  flat_feature_index: number;
  borders?: number[];
  has_nans?: boolean;
  nan_value_treatment?: NanValueTreatment;
  feature_id?: string;
  feature_name?: string;
}

interface CategoricalFeatureJson {
  feature_index: number;
  flat_feature_index: number;
  feature_id?: string;
  feature_name?: string;
  values?: number[];
  string_values?: string[];
}

type CombinationElementJson =
  | { combination_element: 'cat_feature_value'; cat_feature_index: number }
  | { combination_element: 'float_feature'; float_feature_index: number; border: number }
  | { combination_element: 'cat_feature_exact_value'; cat_feature_index: number; value: number };

export interface CtrFeatureJson {
  identifier: string;
  elements: CombinationElementJson[];
  ctr_type: CtrType;
  prior_numerator: number;
  prior_denomerator: number;
  shift: number;
  scale: number;
  target_border_idx: number;
  borders: number[];
}

interface CtrTableJson {
  hash_map: (string | number)[];
  hash_stride: number;
  counter_denominator?: number;
}

export type SplitJson =
  | { split_type: 'FloatFeature'; split_index: number; float_feature_index: number; border: number }
  | { split_type: 'OneHotFeature'; split_index: number; cat_feature_index: number; value: number }
  | { split_type: 'OnlineCtr'; split_index: number; border: number; ctr_target_border_idx: number };

interface ObliviousTreeJson {
  /** `null` for depth-0 trees. */
  splits: SplitJson[] | null;
  leaf_values: number[];
  leaf_weights?: number[];
}

export type NonSymmetricNodeJson =
  | { split: SplitJson; left: NonSymmetricNodeJson; right: NonSymmetricNodeJson }
  | { value: number | number[]; weight?: number };

interface ClassParamsJson {
  class_label_type?: 'Integer' | 'Float' | 'String' | 'Boolean';
  class_names?: (string | number | boolean)[];
  class_to_label?: number[];
  classes_count?: number;
}

interface ModelInfoJson {
  params?: { loss_function?: { type?: string; params?: Record<string, unknown> } } & Record<string, unknown>;
  class_params?: ClassParamsJson;
  multiclass_params?: ClassParamsJson;
  binclass_probability_threshold?: string;
  [key: string]: unknown;
}

/** A CatBoost model as exported to JSON. */
export interface CatBoostModelJson {
  features_info: {
    float_features?: FloatFeatureJson[];
    categorical_features?: CategoricalFeatureJson[];
    ctrs?: CtrFeatureJson[];
    cat_features_hash?: { hash: number; value: string }[];
  };
  model_info?: ModelInfoJson;
  oblivious_trees?: ObliviousTreeJson[];
  trees?: NonSymmetricNodeJson[];
  ctr_data?: Record<string, CtrTableJson> | null;
  scale_and_bias?: [number, number[] | number];
}
