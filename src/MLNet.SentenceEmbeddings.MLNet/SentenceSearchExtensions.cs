using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Search;

using MLNet.SentenceEmbeddings.MLNet;

namespace Microsoft.ML;

/// <summary>
/// Search, paraphrase mining and cross-encoder scoring over IDataViews: a thin adapter that reads columns into the
/// core types (<see cref="EmbeddingMatrix"/>, text pairs), calls <see cref="MLNet.SentenceEmbeddings.Search.SemanticSearch"/>,
/// <see cref="MLNet.SentenceEmbeddings.Search.ParaphraseMining"/> or <see cref="CrossEncoder.PredictProbabilities"/>, and returns the results as an
/// IDataView of the catalog's context.
/// </summary>
/// <example>
/// <code>
/// var embed = ml.Transforms.SentenceEmbedding("Features", "Text").Fit(corpusData);
/// var hits = ml.SentenceEmbeddings().SemanticSearch(embed.Transform(queryData), embed.Transform(corpusData), "Features", topK: 5);
/// </code>
/// </example>
public static class SentenceSearchExtensions
{
    /// <summary>Reads a vector-of-Single column (the output of <c>ml.Transforms.SentenceEmbedding</c>) into a matrix, one row per data row.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column does not exist.</exception>
    /// <exception cref="InvalidOperationException">The column is not a known-size vector of Single, or a row has another length.</exception>
    public static EmbeddingMatrix ReadEmbeddings(this IDataView data, string vectorColumn)
    {
        ArgumentNullException.ThrowIfNull(data);
        var column = data.Schema.GetColumnOrNull(vectorColumn)
                     ?? throw new ArgumentOutOfRangeException(nameof(vectorColumn), $"Column '{vectorColumn}' not found in the data.");
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType t, Size: > 0 } vt || t != NumberDataViewType.Single)
            throw new InvalidOperationException($"Column '{vectorColumn}' is {column.Type}; expected a known-size vector of Single (the output of SentenceEmbedding).");
        var values = new List<float>();
        using var cursor = data.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            if (buffer.Length != vt.Size)
                throw new InvalidOperationException($"Column '{vectorColumn}', row {cursor.Position}: {buffer.Length} values, expected {vt.Size}.");
            foreach (var v in buffer.DenseValues()) values.Add(v);
        }
        return new EmbeddingMatrix(values.ToArray(), vt.Size);
    }

    /// <summary>The <paramref name="topK"/> corpus rows most similar (cosine) to each query row, as rows (QueryRow, CorpusRow, Rank, Score).</summary>
    /// <param name="catalog">mlContext.SentenceEmbeddings().</param>
    /// <param name="queries">Data with the query vectors.</param>
    /// <param name="corpus">Data with the corpus vectors.</param>
    /// <param name="vectorColumn">Vector-of-Single column in both (for example "Features").</param>
    /// <param name="topK">Hits per query.</param>
    public static IDataView SemanticSearch(this SentenceEncoderCatalog catalog, IDataView queries, IDataView corpus,
        string vectorColumn = "Features", int topK = 10)
    {
        var hits = global::MLNet.SentenceEmbeddings.Search.SemanticSearch.Search(queries.ReadEmbeddings(vectorColumn), corpus.ReadEmbeddings(vectorColumn), topK);
        var rows = hits.SelectMany((list, q) => list.Select((h, r) => new SearchResultRow { QueryRow = q, CorpusRow = h.CorpusIndex, Rank = r + 1, Score = h.Score }));
        return Context(catalog).Data.LoadFromEnumerable(rows.ToList());
    }

    /// <summary>The most similar pairs of rows of <paramref name="data"/> (paraphrase mining), best first, as rows (First, Second, Score).</summary>
    /// <param name="catalog">mlContext.SentenceEmbeddings().</param>
    /// <param name="data">Data with the sentence vectors.</param>
    /// <param name="vectorColumn">Vector-of-Single column.</param>
    /// <param name="topK">Partners kept per row.</param>
    /// <param name="maxPairs">At most this many pairs (null: all kept).</param>
    public static IDataView ParaphraseMining(this SentenceEncoderCatalog catalog, IDataView data, string vectorColumn = "Features",
        int topK = global::MLNet.SentenceEmbeddings.Search.ParaphraseMining.DefaultTopK, int? maxPairs = null)
    {
        var pairs = global::MLNet.SentenceEmbeddings.Search.ParaphraseMining.Mine(data.ReadEmbeddings(vectorColumn), topK, maxPairs);
        return Context(catalog).Data.LoadFromEnumerable(pairs.Select(p => new ScoredPairRow { First = p.First, Second = p.Second, Score = p.Score }).ToList());
    }

    /// <summary>
    /// Scores the text pairs of two columns with a cross-encoder (batched, length-sorted), as rows (Sentence1,
    /// Sentence2, Score, PredictedLabel) in the input order.
    /// </summary>
    /// <param name="catalog">mlContext.SentenceEmbeddings().</param>
    /// <param name="data">Data with two text columns.</param>
    /// <param name="firstColumn">Text column of the first sentences.</param>
    /// <param name="secondColumn">Text column of the second sentences.</param>
    /// <param name="model">The cross-encoder (not disposed here).</param>
    public static IDataView ScorePairs(this SentenceEncoderCatalog catalog, IDataView data, string firstColumn, string secondColumn, CrossEncoder model)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(model);
        var first = ReadText(data, firstColumn);
        var second = ReadText(data, secondColumn);
        var probabilities = model.PredictProbabilities(first.Zip(second, (a, b) => ((string?)a, (string?)b)).ToList());
        var rows = probabilities.Select((p, i) =>
        {
            int best = model.NumLabels == 1 ? 0 : Array.IndexOf(p, p.Max());
            return new CrossEncoderScoreRow { Sentence1 = first[i], Sentence2 = second[i], Score = p[best], PredictedLabel = best };
        });
        return Context(catalog).Data.LoadFromEnumerable(rows.ToList());
    }

    private static List<string> ReadText(IDataView data, string columnName)
    {
        var column = data.Schema.GetColumnOrNull(columnName)
                     ?? throw new ArgumentOutOfRangeException(nameof(columnName), $"Column '{columnName}' not found in the data.");
        if (column.Type is not TextDataViewType)
            throw new InvalidOperationException($"Column '{columnName}' is {column.Type}; expected text.");
        return data.GetColumn<string>(column).Select(s => s ?? "").ToList();
    }

    private static MLContext Context(SentenceEncoderCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Context ?? throw new InvalidOperationException("Use mlContext.SentenceEmbeddings() to get this catalog.");
    }
}
