namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>One piece of a template: a special token, or the ids of sequence A (0) or B (1), with its token-type id.</summary>
public readonly record struct TemplatePiece(int? SpecialTokenId, int Sequence, int TypeId)
{
    public static TemplatePiece Special(int id, int typeId = 0) => new(id, -1, typeId);
    public static TemplatePiece Of(int sequence, int typeId) => new(null, sequence, typeId);
    public bool IsSequence => SpecialTokenId is null;
}

/// <summary>
/// Where special tokens go around one sentence and around a pair (Hugging Face's post-processor): BERT's
/// "[CLS] A [SEP]" / "[CLS] A [SEP] B [SEP]" with token types 0 then 1, RoBERTa's "&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;"
/// with token types all 0, or any template a tokenizer.json declares.
/// </summary>
public sealed record SpecialTokenTemplate(IReadOnlyList<TemplatePiece> Single, IReadOnlyList<TemplatePiece> Pair)
{
    /// <summary>Special tokens added around one sentence (what truncation must leave room for).</summary>
    public int SingleOverhead => Single.Count(p => !p.IsSequence);

    /// <summary>Special tokens added around a pair.</summary>
    public int PairOverhead => Pair.Count(p => !p.IsSequence);

    /// <summary>BERT: "[CLS] A [SEP]", "[CLS] A [SEP] B [SEP]", token types 0 for A's part and 1 for B's.</summary>
    public static SpecialTokenTemplate Bert(int cls, int sep) => new(
        new[] { TemplatePiece.Special(cls), TemplatePiece.Of(0, 0), TemplatePiece.Special(sep) },
        new[] { TemplatePiece.Special(cls), TemplatePiece.Of(0, 0), TemplatePiece.Special(sep), TemplatePiece.Of(1, 1), TemplatePiece.Special(sep, 1) });

    /// <summary>RoBERTa / XLM-R / MPNet: "&lt;s&gt; A &lt;/s&gt;", "&lt;s&gt; A &lt;/s&gt; &lt;/s&gt; B &lt;/s&gt;", all token types 0.</summary>
    public static SpecialTokenTemplate Roberta(int bos, int eos) => new(
        new[] { TemplatePiece.Special(bos), TemplatePiece.Of(0, 0), TemplatePiece.Special(eos) },
        new[] { TemplatePiece.Special(bos), TemplatePiece.Of(0, 0), TemplatePiece.Special(eos), TemplatePiece.Special(eos), TemplatePiece.Of(1, 0), TemplatePiece.Special(eos) });

    /// <summary>
    /// This template's pair replaced by each sentence laid out as it is alone, one after the other, the second's token
    /// types 1: BERT's "[CLS] A [SEP] [CLS] B [SEP]". For a cross-encoder whose lower layers read each sentence alone
    /// (<see cref="Modeling.BertModel.EncodeSentencesApart"/>), so that each starts as an encoder of single sentences saw it.
    /// </summary>
    public SpecialTokenTemplate WithPairAsTwoSingles() => this with
    {
        Pair = Single.Concat(Single.Select(p => p.IsSequence ? TemplatePiece.Of(1, 1) : p with { TypeId = 1 })).ToArray(),
    };

    /// <summary>Lays out <paramref name="a"/> (and <paramref name="b"/> for a pair) with the special tokens.</summary>
    public TokenizedInput Apply(IReadOnlyList<int> a, IReadOnlyList<int>? b, bool truncated)
    {
        var pieces = b is null ? Single : Pair;
        int n = pieces.Sum(p => p.IsSequence ? (p.Sequence == 0 ? a.Count : b!.Count) : 1);
        var ids = new int[n];
        var types = new int[n];
        int o = 0;
        foreach (var p in pieces)
        {
            if (!p.IsSequence) { ids[o] = p.SpecialTokenId!.Value; types[o++] = p.TypeId; continue; }
            var seq = p.Sequence == 0 ? a : b!;
            for (int i = 0; i < seq.Count; i++) { ids[o] = seq[i]; types[o++] = p.TypeId; }
        }
        return new TokenizedInput(ids, types, truncated);
    }
}
