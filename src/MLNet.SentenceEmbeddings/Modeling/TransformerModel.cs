using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// A transformer body of any supported architecture (BERT, and the others <see cref="TransformerModels"/> knows):
/// token ids in, contextual token vectors out, no task head. Field names of each implementation equal the Hugging Face
/// checkpoint keys, so a state dict maps 1:1 after <see cref="MapCheckpointKey"/>.
/// </summary>
public abstract class TransformerModel : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    protected TransformerModel(string name) : base(name) { }

    /// <summary>config.json's <c>model_type</c> ("bert", "roberta", ...).</summary>
    public abstract string ModelType { get; }

    /// <summary>Width H of the token vectors.</summary>
    public abstract int HiddenSize { get; }

    /// <summary>Rows of the input embedding table.</summary>
    public abstract int VocabSize { get; }

    /// <summary>Longest input in tokens the position table allows (RoBERTa: max_position_embeddings - padding_idx - 1).</summary>
    public abstract int MaxSequenceLength { get; }

    /// <summary>Whether token_type_ids reach the model (BERT: yes; DistilBERT, RoBERTa, MPNet: no, they are ignored).</summary>
    public abstract bool UsesTokenTypes { get; }

    /// <summary>Dropout probability on hidden states (what a new head on top should use too).</summary>
    public abstract double HiddenDropout { get; }

    /// <summary>The input token embedding table (V, H); the GloVe-like baseline averages its rows.</summary>
    public abstract Tensor WordEmbeddingWeight { get; }

    /// <summary>The config.json this model was built from, as Hugging Face transformers reads it.</summary>
    public abstract JsonObject ToConfigJson();

    /// <summary>
    /// Our parameter name for a checkpoint key (for example without a "bert." prefix), or null for keys a sentence
    /// encoder does not use (a pooler, MLM heads, position_ids buffers).
    /// </summary>
    public abstract string? MapCheckpointKey(string key);

    /// <summary>
    /// The usual mapping: a task model's <paramref name="prefix"/> ("bert.") is removed, and keys starting with one of
    /// <paramref name="ignoredPrefixes"/> (poolers, heads, buffers) map to null.
    /// </summary>
    protected static string? MapPrefixedKey(string key, string prefix, IReadOnlyList<string> ignoredPrefixes)
    {
        if (key.StartsWith(prefix, StringComparison.Ordinal)) key = key[prefix.Length..];
        return ignoredPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)) ? null : key;
    }

    /// <summary>The prefix of this body's keys inside a task model (BertForSequenceClassification: "bert.").</summary>
    public virtual string CheckpointPrefix => ModelType + ".";

    /// <param name="inputIds">(B, T) int64.</param>
    /// <param name="tokenTypeIds">(B, T) int64 segment ids; ignored when <see cref="UsesTokenTypes"/> is false.</param>
    /// <param name="attentionMask">(B, T) int64 or bool, 1 for real tokens and 0 for padding.</param>
    /// <returns>(B, T, H) token embeddings (the last layer's hidden states).</returns>
    public sealed override Tensor forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask) => Encode(inputIds, tokenTypeIds, attentionMask, null);

    /// <summary>Transformer layers (what <see cref="HiddenStates"/> lists after the embeddings).</summary>
    public abstract int LayerCount { get; }

    /// <summary>
    /// Every hidden state, as Hugging Face's output_hidden_states gives them: the embeddings' output, then each layer's,
    /// <see cref="LayerCount"/> + 1 tensors of (B, T, H); the last equals <see cref="forward"/>'s result.
    /// </summary>
    public Tensor[] HiddenStates(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask)
    {
        var states = new List<Tensor>(LayerCount + 1);
        Encode(inputIds, tokenTypeIds, attentionMask, states).Dispose(); // the last state is an alias of it
        return states.ToArray();
    }

    /// <summary>The forward pass; when <paramref name="hiddenStates"/> is given, every hidden state is added to it.</summary>
    protected abstract Tensor Encode(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, List<Tensor>? hiddenStates);

    /// <summary>Moves <paramref name="output"/> and the collected hidden states out of an implementation's dispose scope.</summary>
    protected static Tensor KeepOutside(Tensor output, List<Tensor>? hiddenStates)
    {
        if (hiddenStates is not null) foreach (var s in hiddenStates) s.MoveToOuterDisposeScope();
        return output.MoveToOuterDisposeScope();
    }
}
