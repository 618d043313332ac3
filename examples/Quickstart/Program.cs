// Quickstart: embed sentences with the embedded default model (all-MiniLM-L6-v2) and find nearest neighbours
// by cosine similarity. Corpus: the unique sentences of the STSb test split (../shared/data, or $SBERT_DATA_DIR).
using System.Diagnostics;
using MLNet.SentenceEmbeddings;
using MLNet.SentenceEmbeddings.Data;

string data = SharedData.Find();
var corpus = StsBenchmarkReader.UniqueSentences(StsBenchmarkReader.Read(Path.Combine(data, "stsb", "sts-test.csv")));

using var encoder = SentenceEncoder.Load("default");
var sw = Stopwatch.StartNew();
float[][] vectors = encoder.Encode(corpus);
Console.WriteLine($"Embedded {corpus.Count} sentences ({encoder.Dimension} dims) in {sw.Elapsed.TotalSeconds:F1} s.");

string[] queries = { "A man is playing the guitar.", "The stock market fell today.", "A dog runs through the snow." };
float[][] queryVectors = encoder.Encode(queries);
for (int q = 0; q < queries.Length; q++)
{
    Console.WriteLine($"\nQuery: {queries[q]}");
    var best = Enumerable.Range(0, corpus.Count)
        .Select(i => (Index: i, Score: VectorMath.Cosine(queryVectors[q], vectors[i])))
        .OrderByDescending(x => x.Score).Take(3);
    foreach (var (index, score) in best) Console.WriteLine($"  {score:F3}  {corpus[index]}");
}
