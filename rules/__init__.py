"""The rules, one per module; :data:`ALL_RULES` lists them in code order."""

from __future__ import annotations

from shapecheck.checking.rule import Rule

from .batch_axis_concat import BatchAxisConcatRule
from .binary_loss_softmax import BinaryLossSoftmaxRule
from .categorical_loss_binary_output import CategoricalLossBinaryOutputRule
from .data_shape import DataShapeRule
from .finite_generator import FiniteGeneratorRule
from .from_logits_after_activation import FromLogitsAfterActivationRule
from .invalid_layer_config import InvalidLayerConfigRule
from .invalid_syntax import InvalidSyntaxRule
from .io_error import IoErrorRule
from .label_rank import LabelRankRule
from .label_shape import LabelShapeRule
from .lambda_batch_axis import LambdaBatchAxisRule
from .layer_called_on_layer import LayerCalledOnLayerRule
from .merge_layer_with_tensors import MergeLayerWithTensorsRule
from .model_given_layer import ModelGivenLayerRule
from .embedding_weights import EmbeddingWeightsRule
from .model_input_mismatch import ModelInputMismatchRule
from .cross_entropy_on_unbounded_output import CrossEntropyOnUnboundedOutputRule
from .merge_mismatch import MergeMismatchRule
from .non_positive_output import NonPositiveOutputRule
from .nonexistent_keras_name import NonexistentKerasNameRule
from .numpy_shape import NumpyShapeRule
from .probability_regression_loss import ProbabilityRegressionLossRule
from .rank_mismatch import RankMismatchRule
from .removed_api import RemovedApiRule
from .reshape_size import ReshapeSizeRule
from .shape_not_tuple import ShapeNotTupleRule
from .shared_layer_mismatch import SharedLayerMismatchRule
from .softmax_single_unit import SoftmaxSingleUnitRule
from .stacked_rnn import StackedRnnRule
from .unknown_identifier import UnknownIdentifierRule
from .unknown_layer_argument import UnknownLayerArgumentRule
from .tf_function_on_keras_tensor import TensorflowOnKerasTensorRule
from .unused_suppression import UnusedSuppressionRule

ALL_RULES: list[type[Rule]] = sorted(
    [
        InvalidSyntaxRule,
        IoErrorRule,
        RankMismatchRule,
        StackedRnnRule,
        NonPositiveOutputRule,
        MergeMismatchRule,
        LayerCalledOnLayerRule,
        MergeLayerWithTensorsRule,
        ReshapeSizeRule,
        BatchAxisConcatRule,
        ShapeNotTupleRule,
        SoftmaxSingleUnitRule,
        CategoricalLossBinaryOutputRule,
        BinaryLossSoftmaxRule,
        FromLogitsAfterActivationRule,
        ProbabilityRegressionLossRule,
        UnknownIdentifierRule,
        RemovedApiRule,
        UnknownLayerArgumentRule,
        NonexistentKerasNameRule,
        TensorflowOnKerasTensorRule,
        UnusedSuppressionRule,
        NumpyShapeRule,
        DataShapeRule,
        LabelShapeRule,
        LabelRankRule,
        LambdaBatchAxisRule,
        FiniteGeneratorRule,
        SharedLayerMismatchRule,
        InvalidLayerConfigRule,
        ModelGivenLayerRule,
        CrossEntropyOnUnboundedOutputRule,
        EmbeddingWeightsRule,
        ModelInputMismatchRule,
    ],
    key=lambda rule: rule.code,
)
