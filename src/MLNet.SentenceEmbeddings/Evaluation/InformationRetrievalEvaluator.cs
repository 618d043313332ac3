using System.Globalization;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Search;

namespace MLNet.SentenceEmbeddings.Evaluation;

/// <summary>
/// Retrieval quality of an encoder, as sentence-transformers' InformationRetrievalEvaluator measures it: every query
/// against every corpus text by cosine similarity (exact search), then, averaged over the queries, accuracy@k,
/// precision@k and recall@k, MRR@k, NDCG@k and MAP@k (formulas in <see cref="RetrievalMetrics"/>). Metric keys are
/// "accuracy@1", "ndcg@10", ...; the primary metric is NDCG at the first of <see cref="InformationRetrievalOptions.NdcgAtK"/>.
/// </summary>
/// <example>
/// <code>
/// var task = QuoraDuplicatesReader.RetrievalTask(QuoraDuplicatesReader.Read("quora/test.txt"));
/// var metrics = InformationRetrievalEvaluator.FromDuplicates(task).Evaluate(encoder);   // metrics["ndcg@10"]
/// </code>
/// </example>
public sealed class InformationRetrievalEvaluator : ISentenceEvaluator
{
    private readonly IReadOnlyList<string> _queries;
    private readonly IReadOnlyList<string> _corpus;
    private readonly IReadOnlyList<IReadOnlySet<int>> _relevant;
    private readonly IReadOnlyList<int>? _queryRows;
    private readonly InformationRetrievalOptions _options;

    /// <param name="queries">Query texts.</param>
    /// <param name="corpus">Texts to retrieve from.</param>
    /// <param name="relevant">For query i, the corpus rows that count as hits (at least one).</param>
    /// <param name="queryRows">When the queries are themselves corpus texts: query i's own corpus row, which its
    /// ranking skips (a question must not find itself); null when the queries are not in the corpus.</param>
    /// <param name="options">Cut-offs and prompts; null for sentence-transformers' defaults.</param>
    /// <exception cref="ArgumentException">Sizes differ, or a query has no relevant row or one outside the corpus (its index named).</exception>
    public InformationRetrievalEvaluator(IReadOnlyList<string> queries, IReadOnlyList<string> corpus, IReadOnlyList<IReadOnlySet<int>> relevant,
        IReadOnlyList<int>? queryRows = null, InformationRetrievalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(relevant);
        if (queries.Count == 0) throw new ArgumentException("Retrieval evaluation needs at least one query.", nameof(queries));
        if (corpus.Count == 0) throw new ArgumentException("Retrieval evaluation needs a corpus of at least one text.", nameof(corpus));
        if (relevant.Count != queries.Count)
            throw new ArgumentException($"{relevant.Count} relevant sets for {queries.Count} queries; expected one per query.", nameof(relevant));
        if (queryRows is not null && queryRows.Count != queries.Count)
            throw new ArgumentException($"{queryRows.Count} query rows for {queries.Count} queries; expected one per query.", nameof(queryRows));
        for (int q = 0; q < queries.Count; q++)
        {
            if (relevant[q] is not { Count: > 0 } set) throw new ArgumentException($"Query {q} has no relevant corpus row.", nameof(relevant));
            if (set.FirstOrDefault(r => r < 0 || r >= corpus.Count, -1) is var bad and not -1)
                throw new ArgumentException($"Query {q}: relevant row {bad} is outside the corpus (0..{corpus.Count - 1}).", nameof(relevant));
            if (queryRows is not null && set.Contains(queryRows[q]))
                throw new ArgumentException($"Query {q}: its own row {queryRows[q]} is among its relevant rows, but its ranking skips it.", nameof(relevant));
        }
        _queries = queries;
        _corpus = corpus;
        _relevant = relevant;
        _queryRows = queryRows;
        _options = (options ?? new InformationRetrievalOptions()).Validate();
    }

    /// <summary>A duplicate-question task (<see cref="QuoraDuplicatesReader.RetrievalTask"/>): the queries are corpus rows,
    /// each skipped in its own ranking.</summary>
    public static InformationRetrievalEvaluator FromDuplicates(DuplicateRetrievalTask task, InformationRetrievalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new InformationRetrievalEvaluator(task.Queries.Select(q => task.Corpus[q]).ToList(), task.Corpus,
            task.Relevant.Select(r => (IReadOnlySet<int>)r.ToHashSet()).ToList(), task.Queries, options);
    }

    public string PrimaryMetric => Key("ndcg", _options.NdcgAtK[0]);

    public int QueryCount => _queries.Count;
    public int CorpusCount => _corpus.Count;

    /// <summary>Embeds the corpus (with <see cref="InformationRetrievalOptions.CorpusPrompt"/>) and the queries (with
    /// <see cref="InformationRetrievalOptions.QueryPrompt"/>), then scores the rankings.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(SentenceEncoder encoder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var corpus = Embed(encoder, _corpus, _options.CorpusPrompt ?? Prompt.NamedIfPresent(encoder.Config, "document"), cancellationToken);
        var queries = Embed(encoder, _queries, _options.QueryPrompt ?? Prompt.NamedIfPresent(encoder.Config, "query"), cancellationToken);
        return Evaluate(queries, corpus, cancellationToken);
    }

    /// <summary>Scores the rankings of vectors computed elsewhere (row i of <paramref name="queries"/> is query i).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(EmbeddingMatrix queries, EmbeddingMatrix corpus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(corpus);
        if (queries.Rows != _queries.Count) throw new ArgumentException($"{queries.Rows} query vectors for {_queries.Count} queries.", nameof(queries));
        if (corpus.Rows != _corpus.Count) throw new ArgumentException($"{corpus.Rows} corpus vectors for {_corpus.Count} texts.", nameof(corpus));
        int depth = _options.MaxK + (_queryRows is null ? 0 : 1);
        var hits = SemanticSearch.Search(queries, corpus, depth, new SearchOptions { CancellationToken = cancellationToken });
        var ranked = hits.Select((h, q) => (IReadOnlyList<int>)h.Select(x => x.CorpusIndex)
            .Where(c => _queryRows is null || c != _queryRows[q]).Take(_options.MaxK).ToList()).ToList();
        return Score(ranked, _relevant, _options);
    }

    /// <summary>Every metric of <paramref name="options"/>, averaged over the queries, plus "queries".</summary>
    public static Dictionary<string, double> Score(IReadOnlyList<IReadOnlyList<int>> ranked, IReadOnlyList<IReadOnlySet<int>> relevant,
        InformationRetrievalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        if (ranked.Count != relevant.Count || ranked.Count == 0)
            throw new ArgumentException($"{ranked.Count} rankings for {relevant.Count} relevant sets; expected the same non-zero number.", nameof(ranked));
        options = (options ?? new InformationRetrievalOptions()).Validate();
        var result = new Dictionary<string, double>();
        void Add(string name, IEnumerable<int> ks, Func<IReadOnlyList<int>, IReadOnlySet<int>, int, double> metric)
        {
            foreach (int k in ks) result[Key(name, k)] = Enumerable.Range(0, ranked.Count).Average(q => metric(ranked[q], relevant[q], k));
        }
        Add("accuracy", options.AccuracyAtK, RetrievalMetrics.Accuracy);
        Add("precision", options.PrecisionRecallAtK, RetrievalMetrics.Precision);
        Add("recall", options.PrecisionRecallAtK, RetrievalMetrics.Recall);
        Add("mrr", options.MrrAtK, RetrievalMetrics.ReciprocalRank);
        Add("ndcg", options.NdcgAtK, RetrievalMetrics.Ndcg);
        Add("map", options.MapAtK, RetrievalMetrics.AveragePrecision);
        result["queries"] = ranked.Count;
        return result;
    }

    private static string Key(string name, int k) => name + "@" + k.ToString(CultureInfo.InvariantCulture);

    private static EmbeddingMatrix Embed(SentenceEncoder encoder, IReadOnlyList<string> texts, Prompt prompt, CancellationToken cancellationToken)
    {
        var data = new float[(long)texts.Count * encoder.Dimension];
        encoder.Encode(texts, prompt, data, cancellationToken);
        return new EmbeddingMatrix(data, encoder.Dimension);
    }
}
