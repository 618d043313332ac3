namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>One tokenized input: ids with special tokens, segment ids, and whether truncation cut it.</summary>
public readonly record struct TokenizedInput(int[] InputIds, int[] TokenTypeIds, bool Truncated)
{
    public int Length => InputIds.Length;
}

/// <summary>
/// The tokenizer of a sentence encoder: a sub-word model (<see cref="ISubwordTokenizer"/>: WordPiece, BPE, Unigram),
/// the special tokens around one sentence or a pair (<see cref="SpecialTokenTemplate"/>), and truncation to the
/// maximum sequence length. Truncation is counted (<see cref="TruncatedCount"/>), never silent. A null sentence is
/// tokenized as the empty string (for BERT, "[CLS] [SEP]").
/// </summary>
public sealed class SentenceTokenizer
{
    private long _truncated;

    /// <param name="subwords">Text to ids without special tokens.</param>
    /// <param name="template">Where the special tokens go.</param>
    /// <param name="padTokenId">Id that fills padded positions.</param>
    /// <param name="maxSequenceLength">Longest input in tokens, special tokens included.</param>
    public SentenceTokenizer(ISubwordTokenizer subwords, SpecialTokenTemplate template, int padTokenId, int maxSequenceLength)
    {
        ArgumentNullException.ThrowIfNull(subwords);
        ArgumentNullException.ThrowIfNull(template);
        if (maxSequenceLength < template.SingleOverhead)
            throw new ArgumentOutOfRangeException(nameof(maxSequenceLength), maxSequenceLength,
                $"max_seq_length must leave room for the special tokens (>= {template.SingleOverhead}).");
        Subwords = subwords;
        Template = template;
        PadTokenId = padTokenId;
        MaxSequenceLength = maxSequenceLength;
    }

    /// <summary>A BERT WordPiece tokenizer from the text of a <c>vocab.txt</c> (one token a line; CRLF accepted).</summary>
    /// <param name="vocabText">The vocabulary file's content. Vocabularies must come from a trusted source.</param>
    /// <param name="maxSequenceLength">Longest input in tokens, [CLS] and [SEP] included (at least 2).</param>
    /// <param name="doLowerCase">Lower-case (and strip accents) before WordPiece, as uncased models expect.</param>
    /// <param name="source">Names the vocabulary in error messages (a file path or a resource name).</param>
    public static SentenceTokenizer FromVocab(string vocabText, int maxSequenceLength, bool doLowerCase, string source = "vocab.txt")
    {
        var wordPiece = WordPieceTokenizer.FromVocab(vocabText, doLowerCase, source);
        return ForWordPiece(wordPiece, maxSequenceLength);
    }

    /// <summary>BERT's layout ([CLS], [SEP], [PAD]) around a WordPiece model.</summary>
    public static SentenceTokenizer ForWordPiece(WordPieceTokenizer wordPiece, int maxSequenceLength) =>
        new(wordPiece, SpecialTokenTemplate.Bert(wordPiece.TokenToId("[CLS]")!.Value, wordPiece.TokenToId("[SEP]")!.Value),
            wordPiece.TokenToId("[PAD]")!.Value, maxSequenceLength);

    /// <summary>Builds a tokenizer from a <c>vocab.txt</c> file.</summary>
    public static SentenceTokenizer FromFile(string vocabPath, int maxSequenceLength, bool doLowerCase)
    {
        if (!File.Exists(vocabPath)) throw new FileNotFoundException($"Vocabulary file not found: {vocabPath}", vocabPath);
        return FromVocab(File.ReadAllText(vocabPath), maxSequenceLength, doLowerCase, vocabPath);
    }

    public ISubwordTokenizer Subwords { get; }
    public SpecialTokenTemplate Template { get; }
    public int VocabSize => Subwords.VocabSize;
    public int MaxSequenceLength { get; }
    public int PadTokenId { get; }

    /// <summary>The same tokenizer with another maximum length (truncation counts start again).</summary>
    public SentenceTokenizer WithMaxSequenceLength(int maxSequenceLength) => new(Subwords, Template, PadTokenId, maxSequenceLength);

    /// <summary>The same tokenizer with other special tokens (truncation counts start again).</summary>
    public SentenceTokenizer WithTemplate(SpecialTokenTemplate template) => new(Subwords, template, PadTokenId, MaxSequenceLength);

    /// <summary>How many inputs this tokenizer has truncated since it was created (thread-safe).</summary>
    public long TruncatedCount => Interlocked.Read(ref _truncated);

    /// <summary>Sub-word ids of a text, without special tokens and without truncation.</summary>
    public IReadOnlyList<int> EncodeWords(string? text) =>
        string.IsNullOrEmpty(text) ? Array.Empty<int>() : Subwords.EncodeToIds(text);

    /// <summary>One sentence with its special tokens, truncated to <see cref="MaxSequenceLength"/>.</summary>
    public TokenizedInput Encode(string? text)
    {
        var words = EncodeWords(text);
        int budget = MaxSequenceLength - Template.SingleOverhead;
        bool truncated = words.Count > budget;
        if (truncated)
        {
            Interlocked.Increment(ref _truncated);
            words = words.Take(budget).ToArray();
        }
        return Template.Apply(words, null, truncated);
    }

    /// <summary>
    /// Hugging Face's longest-first rule for a pair that does not fit <paramref name="budget"/>: the shorter keeps its
    /// length if the longer can have the rest, else both get half, the odd token going to the one that was longer
    /// (tokenizers, utils/truncation.rs; proven by tools/tokenizer-parity/run.sh).
    /// </summary>
    internal static (int A, int B) LongestFirst(int na, int nb, int budget)
    {
        bool swap = na > nb;
        int n1 = swap ? nb : na, n2 = swap ? na : nb; // n1 the shorter
        n2 = n1 > budget ? n1 : Math.Max(n1, budget - n1);
        if (n1 + n2 > budget)
        {
            n1 = budget / 2;
            n2 = n1 + budget % 2;
        }
        return swap ? (n2, n1) : (n1, n2);
    }

    /// <summary>
    /// A pair with its special tokens (BERT: "[CLS] a [SEP] b [SEP]", token types 0 then 1), truncated longest-first to
    /// <see cref="MaxSequenceLength"/> (the cross-encoder input).
    /// </summary>
    public TokenizedInput EncodePair(string? a, string? b)
    {
        var wa = EncodeWords(a);
        var wb = EncodeWords(b);
        int na = wa.Count, nb = wb.Count, budget = MaxSequenceLength - Template.PairOverhead;
        if (budget < 0)
            throw new InvalidOperationException($"max_seq_length {MaxSequenceLength} leaves no room for a pair's {Template.PairOverhead} special tokens.");
        bool truncated = na + nb > budget;
        if (truncated)
        {
            (na, nb) = LongestFirst(na, nb, budget);
            Interlocked.Increment(ref _truncated);
        }
        return Template.Apply(wa.Take(na).ToArray(), wb.Take(nb).ToArray(), truncated);
    }
}
