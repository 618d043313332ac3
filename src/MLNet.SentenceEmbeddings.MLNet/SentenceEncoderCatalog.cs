using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>Sentence-embedding training in ML.NET: <c>mlContext.SentenceEmbeddings().Trainers.Siamese(...)</c>.</summary>
public sealed class SentenceEncoderCatalog
{
    internal SentenceEncoderCatalog(IHostEnvironment env) => Trainers = new SentenceEncoderTrainers(env);

    public SentenceEncoderTrainers Trainers { get; }

    /// <summary>The context this catalog came from (search results are IDataViews of that context).</summary>
    internal MLContext? Context { get; init; }
}

public sealed class SentenceEncoderTrainers
{
    private readonly IHostEnvironment _env;

    internal SentenceEncoderTrainers(IHostEnvironment env) => _env = env;

    /// <summary>
    /// Create a <see cref="SiameseEstimator"/>, which fine-tunes an encoder on pairs (or triplets) of text columns
    /// and returns a transformer embedding <see cref="SiameseEstimatorOptions.InputColumnName"/>.
    /// </summary>
    public SiameseEstimator Siamese(SiameseEstimatorOptions options) => new(_env, options);

    /// <summary>Create a <see cref="SiameseEstimator"/> for pairs with a label or score column.</summary>
    /// <param name="sentence1Column">First text column; the returned transformer embeds it into <paramref name="outputColumnName"/>.</param>
    /// <param name="sentence2Column">Second text column.</param>
    /// <param name="labelColumn">Class index (softmax) or score (regression, cosent).</param>
    /// <param name="objective">The training objective.</param>
    /// <param name="outputColumnName">Vector column the returned transformer writes.</param>
    /// <param name="baseModel">"default", "arctic-xs" or a model folder.</param>
    public SiameseEstimator Siamese(string sentence1Column, string sentence2Column, string labelColumn,
        TrainingObjective objective = TrainingObjective.Regression, string outputColumnName = "Features",
        string baseModel = SentenceEmbeddingOptions.Defaults.Model) =>
        new(_env, new SiameseEstimatorOptions
        {
            Objective = objective, SentenceColumns = new[] { sentence1Column, sentence2Column }, LabelColumn = labelColumn,
            InputColumnName = sentence1Column, OutputColumnName = outputColumnName, BaseModel = baseModel,
        });
}
