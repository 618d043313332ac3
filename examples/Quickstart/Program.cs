// Quickstart: the embedded default model (all-MiniLM-L6-v2) end to end.
// 1. Embed sentences and find nearest neighbours by cosine (the core API, no ML.NET). The sentences ship with this
//    example (sentences.txt): no data folder and no network needed.
// 2. An ML.NET pipeline: SentenceEmbedding -> L-BFGS logistic regression on MR (movie-review polarity, a SentEval
//    task), fitted, evaluated, saved to a zip and loaded back. MR is found in the folder named by $SBERT_DATA_DIR, in
//    ../shared/data, or downloaded from the Hugging Face Hub; without any of them this part prints how to get MR and
//    the example ends after part 1.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using MLNet.SentenceEmbeddings;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.DataSets;
using MLNet.SentenceEmbeddings.Hub;
using MLNet.SentenceEmbeddings.MLNet;

// --- 1. Nearest neighbours ---------------------------------------------------------------------------------
var corpus = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "sentences.txt")).Where(l => l.Length > 0).ToList();
using (var encoder = SentenceEncoder.Load("default"))
{
    var sw = Stopwatch.StartNew();
    float[][] vectors = encoder.Encode(corpus);
    Console.WriteLine($"Embedded {corpus.Count} sentences ({encoder.Dimension} dims) in {sw.Elapsed.TotalSeconds:F1} s.");
    string[] queries = { "A musician plays an instrument.", "Stocks lost value today.", "An animal plays outside in winter." };
    float[][] queryVectors = encoder.Encode(queries);
    for (int q = 0; q < queries.Length; q++)
    {
        Console.WriteLine($"\nQuery: {queries[q]}");
        var best = Enumerable.Range(0, corpus.Count)
            .Select(i => (Index: i, Score: VectorMath.Cosine(queryVectors[q], vectors[i])))
            .OrderByDescending(x => x.Score).Take(3);
        foreach (var (index, score) in best) Console.WriteLine($"  {score:F3}  {corpus[index]}");
    }
}

// --- 2. ML.NET: MR sentiment with a logistic regression on sentence embeddings -----------------------------
// MR is looked for in $SBERT_DATA_DIR, then ../shared/data, then downloaded once from the Hugging Face Hub
// (cornell-movie-review-data/rotten_tomatoes, the same sentences; HF_HUB_OFFLINE=1 forbids it) into the Hub cache.
var mrSet = DataSetCatalog.Find("mr");
var located = DataSetLocator.Locate(mrSet, new HubDownloadOptions { Log = line => Console.WriteLine($"  hub: {line}") });
string? mr = located.Path;
if (mr is null)
{
    Console.WriteLine($"""

        Part 2 (ML.NET classification) needs MR, the movie-review polarity set (Pang & Lee 2005, "sentence polarity
        dataset v1.0": rt-polarity.pos and rt-polarity.neg, 5,331 lines each). It was not found in $SBERT_DATA_DIR
        ({Environment.GetEnvironmentVariable(SharedData.EnvironmentVariable) ?? "not set"}) nor in a shared/data folder above this one,
        and the download from the Hugging Face Hub ({mrSet.Hub!.RepoId}) failed:
          {located.HubError}
        With network access, run this example again (or `sbert data locate mr --download`). Without it, get MR by hand:

          curl -LO https://www.cs.cornell.edu/people/pabo/movie-review-data/rt-polaritydata.tar.gz
          tar xzf rt-polaritydata.tar.gz
          mkdir -p my-data/senteval/MR && cp rt-polaritydata/rt-polarity.pos rt-polaritydata/rt-polarity.neg my-data/senteval/MR/
          export {SharedData.EnvironmentVariable}=$PWD/my-data

        then run this example again. `sbert data list` shows every data set the examples, eval and reproduce use.
        """);
    return;
}
Console.WriteLine($"\nMR found via {located.Via}: {mr}");
var ml = new MLContext(seed: 1);
var rows = File.ReadLines(Path.Combine(mr, "rt-polarity.pos")).Select(t => new Review { Text = t, Label = true })
    .Concat(File.ReadLines(Path.Combine(mr, "rt-polarity.neg")).Select(t => new Review { Text = t, Label = false }))
    .ToList();
var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: 1);

#region pipeline
var pipeline = ml.Transforms.SentenceEmbedding(outputColumnName: "Features", inputColumnName: nameof(Review.Text))
    // L-BFGS reads its data many times: cache the embeddings so each sentence is embedded once.
    .AppendCacheCheckpoint(ml)
    // L2 only, as SentEval's logistic regression (ML.NET's default adds L1 = 1).
    .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
    {
        L1Regularization = 0, L2Regularization = 0.01f,
    }));
#endregion
var watch = Stopwatch.StartNew();
var model = pipeline.Fit(split.TrainSet);
var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"\nMR ({rows.Count} reviews, 80/20 split): accuracy {metrics.Accuracy:P1}, AUC {metrics.AreaUnderRocCurve:F3} " +
                  $"({watch.Elapsed.TotalSeconds:F0} s to embed, train and evaluate)");

string zip = Path.Combine(Path.GetTempPath(), "sbert-quickstart-mr.zip");
#region saveload
ml.Model.Save(model, split.TrainSet.Schema, zip);
var loaded = ml.Model.Load(zip, out _);
#endregion
var engine = ml.Model.CreatePredictionEngine<Review, Prediction>(loaded);
foreach (var text in new[] { "A moving, beautifully acted film.", "Two hours of my life I will never get back." })
    Console.WriteLine($"  {engine.Predict(new Review { Text = text }).Probability:F2} positive: {text}");
Console.WriteLine($"Saved to {zip} ({new FileInfo(zip).Length / 1_000_000.0:F0} MB) and loaded back.");

internal sealed class Review
{
    public string Text { get; set; } = "";
    public bool Label { get; set; }
}

internal sealed class Prediction
{
    public bool PredictedLabel { get; set; }
    public float Probability { get; set; }
}
