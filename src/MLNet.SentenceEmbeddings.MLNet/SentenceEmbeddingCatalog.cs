using Microsoft.ML;

using MLNet.SentenceEmbeddings;
using MLNet.SentenceEmbeddings.MLNet;

// In namespace Microsoft.ML, as ML.NET's own extension packages do (OnnxCatalog, LightGbmCatalog): `using Microsoft.ML;`
// alone finds mlContext.Transforms.SentenceEmbedding and mlContext.SentenceEmbeddings().
namespace Microsoft.ML;

/// <summary>
/// Sentence-BERT in ML.NET: <c>mlContext.Transforms.SentenceEmbedding(...)</c> embeds text columns, and
/// <c>mlContext.SentenceEmbeddings()</c> holds the Siamese trainers, search and cross-encoder scoring.
/// </summary>
public static class SentenceEmbeddingCatalog
{
    /// <summary>
    /// Create a <see cref="SentenceEmbeddingEstimator"/>, which embeds the text column <paramref name="inputColumnName"/>
    /// into a known-size vector of Single, <paramref name="outputColumnName"/>, with a Sentence-BERT encoder.
    /// </summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="outputColumnName">Name of the vector column to create; its type is Vector&lt;Single, dim&gt; (384 for the default model).</param>
    /// <param name="inputColumnName">Name of the text column to embed; null means the same name as <paramref name="outputColumnName"/>.</param>
    /// <param name="model">"default" (all-MiniLM-L6-v2), "arctic-xs", or the path of a sentence-transformers folder.</param>
    /// <param name="batchSize">Sentences per forward pass.</param>
    /// <example>
    /// The Quickstart (built with the solution, run as the README's main job) embeds MR reviews and fits a
    /// logistic regression; then saves and reloads the whole chain:
    /// <code language="csharp" source="../../examples/Quickstart/Program.cs" region="pipeline" />
    /// <code language="csharp" source="../../examples/Quickstart/Program.cs" region="saveload" />
    /// </example>
    public static SentenceEmbeddingEstimator SentenceEmbedding(this TransformsCatalog catalog, string outputColumnName,
        string? inputColumnName = null, string model = SentenceEmbeddingOptions.Defaults.Model, int batchSize = SentenceEmbeddingOptions.Defaults.BatchSize) =>
        new(CatalogEnvironment.Of(catalog), new SentenceEmbeddingOptions
        {
            Columns = new[] { new InputOutputColumnPair(outputColumnName, inputColumnName ?? outputColumnName) },
            Model = model,
            Encoder = new SentenceEncoderOptions { BatchSize = batchSize },
        });

    /// <summary>
    /// Create a <see cref="SentenceEmbeddingEstimator"/>, which embeds several text columns (for example sentence A and
    /// sentence B of a pair task) with one encoder.
    /// </summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="columns">(output, input) pairs; inputs are text columns, outputs become Vector&lt;Single, dim&gt;.</param>
    /// <param name="model">"default", "arctic-xs", or a model folder.</param>
    public static SentenceEmbeddingEstimator SentenceEmbedding(this TransformsCatalog catalog, InputOutputColumnPair[] columns,
        string model = SentenceEmbeddingOptions.Defaults.Model) =>
        new(CatalogEnvironment.Of(catalog), new SentenceEmbeddingOptions { Columns = columns, Model = model });

    /// <summary>
    /// Create a <see cref="SentenceEmbeddingEstimator"/> with every option: model or encoder instance, pooling,
    /// normalisation, maximum sequence length, batch size, precision, threads, device, cancellation.
    /// </summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="options">The options; <see cref="SentenceEmbeddingOptions.Columns"/> must name at least one pair.</param>
    public static SentenceEmbeddingEstimator SentenceEmbedding(this TransformsCatalog catalog, SentenceEmbeddingOptions options) =>
        new(CatalogEnvironment.Of(catalog), options);

    /// <summary>The sentence-embedding trainers of this library.</summary>
    public static SentenceEncoderCatalog SentenceEmbeddings(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        MLNetVersionGuard.EnsureSupported();
        return new SentenceEncoderCatalog(mlContext) { Context = mlContext };
    }
}
