using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Onnx;

/// <summary>
/// One module after the transformer in an <see cref="OnnxExportPlan"/>, in sentence-transformers' order (Pooling, then
/// any Dense and Normalize modules). Each becomes a few ONNX nodes inside the exported graph.
/// </summary>
public abstract record OnnxPostStep;

/// <summary>
/// Pooling of the (B, T, H) token vectors with the attention mask into (B, k*H) sentence vectors: the modes in
/// <paramref name="Mode"/> are concatenated in the order CLS, MAX, MEAN, MEAN-SQRT-LEN, as <see cref="Modules.PoolingModule"/> does.
/// sentence-transformers' include_prompt has no effect here: the exported graph pools every real token it is given.
/// </summary>
public sealed record OnnxPoolingStep(PoolingMode Mode) : OnnxPostStep;

/// <summary>
/// sentence-transformers' Dense module: y = activation(x W^T + b).
/// </summary>
/// <param name="InFeatures">Width of the input vectors.</param>
/// <param name="OutFeatures">Width of the output vectors.</param>
/// <param name="Weight">(OutFeatures, InFeatures) row-major, torch's Linear.weight layout.</param>
/// <param name="Bias">(OutFeatures), or null for a Dense module without bias.</param>
/// <param name="Activation">The activation after the affine map (sentence-transformers' default is Tanh).</param>
public sealed record OnnxDenseStep(int InFeatures, int OutFeatures, float[] Weight, float[]? Bias, OnnxActivation Activation) : OnnxPostStep
{
    /// <summary>Throws when the arrays do not match the declared sizes.</summary>
    public void Validate(string name)
    {
        if (InFeatures < 1 || OutFeatures < 1)
            throw new ArgumentException($"{name}: in_features ({InFeatures}) and out_features ({OutFeatures}) must be positive.");
        if (Weight.Length != (long)InFeatures * OutFeatures)
            throw new ArgumentException($"{name}: weight holds {Weight.Length} values, expected out_features x in_features = {OutFeatures} x {InFeatures}.");
        if (Bias is not null && Bias.Length != OutFeatures)
            throw new ArgumentException($"{name}: bias holds {Bias.Length} values, expected out_features = {OutFeatures}.");
    }
}

/// <summary>sentence-transformers' Normalize module: x / max(||x||_2, 1e-12), as torch.nn.functional.normalize.</summary>
public sealed record OnnxNormalizeStep : OnnxPostStep;

/// <summary>Activation of an <see cref="OnnxDenseStep"/> (torch.nn.Tanh is sentence-transformers' default; Identity is common).</summary>
public enum OnnxActivation
{
    Identity,
    Tanh,
    Relu,
    Sigmoid,
}
