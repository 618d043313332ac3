#pragma warning disable IDE1006 // field names must match checkpoint keys
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>
/// How much each attention head of each layer reads the pair's other sentence: a learnt bias added to a token's
/// scaled attention scores for the other sentence's tokens (<see cref="Modeling.BertModel.EncodeSentencesApart"/>).
/// Started very negative, the cross-encoder begins as the bi-encoder of its encoder (each sentence read alone, compared
/// by <see cref="CrossEncoderHead.CompareSegments"/>) and training opens each head to the other sentence as far as the
/// loss asks. Key: cross_sentence_gate.bias, layers × heads values, layer by layer. Kept flat so that AdamW does not
/// decay it as it decays matrices: decay pulls toward 0, toward reading across, which is no neutral prior.
/// </summary>
public sealed class CrossSentenceGate : nn.Module
{
    private readonly Parameter bias;
    private readonly int _layers, _heads;

    /// <param name="layers">The encoder's layers.</param>
    /// <param name="heads">Attention heads per layer.</param>
    /// <param name="start">Every bias's first value: e^start is the weight a token of the other sentence gets against an
    /// equally scored token of its own; -4 reads about 2% across where sentences are of equal length.</param>
    public CrossSentenceGate(int layers, int heads, double start) : base(nameof(CrossSentenceGate))
    {
        if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layers), layers, "expected at least one layer.");
        if (heads < 1) throw new ArgumentOutOfRangeException(nameof(heads), heads, "expected at least one head.");
        if (!double.IsFinite(start)) throw new ArgumentOutOfRangeException(nameof(start), start, "expected a finite bias.");
        (_layers, _heads) = (layers, heads);
        bias = new Parameter(full(layers * heads, start, dtype: ScalarType.Float32));
        RegisterComponents();
    }

    public int Layers => _layers;
    public int Heads => _heads;

    /// <summary>(layers, heads) the scores' bias, in the module's dtype: a new view of the parameter, which the caller disposes.</summary>
    public Tensor Bias => bias.view(_layers, _heads);
}
