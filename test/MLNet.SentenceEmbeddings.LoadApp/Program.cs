// Usage: LoadApp MODEL.zip INPUT.txt OUTPUT.tsv [VECTOR_COLUMN]
// Loads an ML.NET model zip in this fresh process, embeds each input line through the loaded model, writes the
// vectors (round-trip "R" format) and reports which transformer was restored and how many forward passes it ran.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length < 3) { Console.Error.WriteLine("usage: LoadApp MODEL.zip INPUT.txt OUTPUT.tsv [COLUMN]"); return 2; }
string column = args.Length > 3 ? args[3] : "Features";
var ml = new MLContext(seed: 1);
Console.WriteLine($"EXTENSION_LOADED_BEFORE_LOAD {AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "MLNet.SentenceEmbeddings.MLNet")}");
var model = ml.Model.Load(args[0], out _);
var parts = model is TransformerChain<ITransformer> chain ? chain.ToList() : new List<ITransformer> { model };
foreach (var p in parts) Console.WriteLine($"PART {p.GetType().FullName}");

var rows = File.ReadAllLines(args[1]).Select(t => new Row { Text = t }).ToList();
var output = model.Transform(ml.Data.LoadFromEnumerable(rows));
var vectors = output.GetColumn<float[]>(column).ToList();
File.WriteAllLines(args[2], vectors.Select(v => string.Join('\t', v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))));
Report.ForwardPasses(parts);
return 0;

internal sealed class Row
{
    public string Text { get; set; } = "";
}

internal static class Report
{
    // Kept out of the top-level statements so that the extension's types are not touched before Model.Load.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static void ForwardPasses(IEnumerable<ITransformer> parts)
    {
        foreach (var t in parts.OfType<MLNet.SentenceEmbeddings.MLNet.SentenceEmbeddingTransformer>())
            Console.WriteLine($"FORWARD_PASSES {t.Encoder.ForwardPasses}");
    }
}
