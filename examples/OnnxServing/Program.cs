// Embeds sentences with an ONNX file exported by MLNet.SentenceEmbeddings, on ONNX Runtime alone (no TorchSharp).
// Export once where the full library is referenced:
//     using var encoder = SentenceEncoder.Load("default");
//     encoder.ExportOnnx("model_int8.onnx", new OnnxExportOptions { Precision = OnnxPrecision.Int8 });
// then: dotnet run --project examples/OnnxServing -- model_int8.onnx [sentences...]
using MLNet.SentenceEmbeddings;
using MLNet.SentenceEmbeddings.Onnx;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: OnnxServing MODEL.onnx [sentence ...]");
    return 2;
}
string[] sentences = args.Length > 1
    ? args[1..]
    : new[] { "A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell sharply today." };

// The file carries its tokenizer, pooling and maximum length (metadata_props); options set threads and batching.
using var encoder = OnnxSentenceEncoder.Load(args[0], new SentenceEncoderOptions { Threads = 2, BatchSize = 32 });
var m = encoder.Metadata;
Console.WriteLine($"{args[0]}: {encoder.Precision}, {encoder.Dimension} dimensions, pooling {m.Pooling}, normalised {m.Normalize}, max {m.MaxSequenceLength} tokens");

float[][] vectors = encoder.Encode(sentences);
for (int i = 0; i < sentences.Length; i++)
    for (int j = i + 1; j < sentences.Length; j++)
        Console.WriteLine($"{VectorMath.Cosine(vectors[i], vectors[j]):F3}  \"{sentences[i]}\" ~ \"{sentences[j]}\"");
return 0;
