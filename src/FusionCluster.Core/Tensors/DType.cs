namespace FusionCluster.Core.Tensors;

/// <summary>Element types found in Hugging Face safetensors checkpoints.</summary>
public enum DType
{
    F64,
    F32,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U8,
    Bool,
    F8E4M3,
    F8E5M2,
}
