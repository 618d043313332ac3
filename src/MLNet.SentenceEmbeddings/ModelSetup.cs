using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings;

/// <summary>The set-up the bi-encoder and the cross-encoder share: their tokenizer, and where and in which precision they run.</summary>
internal static class ModelSetup
{
    /// <summary>The tokenizer of a described model; checks the maximum length against max_position_embeddings and the vocabulary size.</summary>
    public static SentenceTokenizer Tokenizer(ModelDescription d, SentenceEncoderOptions options)
    {
        int maxSeq = options.MaxSequenceLength ?? d.MaxSequenceLength;
        if (maxSeq > d.Config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(options), maxSeq, $"MaxSequenceLength exceeds the model's max_position_embeddings ({d.Config.MaxPositionEmbeddings}).");
        var tokenizer = SentenceTokenizer.FromVocab(d.VocabText, maxSeq, d.DoLowerCase, d.Source);
        if (tokenizer.VocabSize != d.Config.VocabSize)
            throw new InvalidDataException($"{d.Source}: the vocabulary has {tokenizer.VocabSize} tokens but vocab_size is {d.Config.VocabSize}.");
        return tokenizer;
    }

    /// <summary>Sets the thread count, moves the modules to the device and precision of <paramref name="options"/>, and puts them in eval mode.</summary>
    public static Device Place(SentenceEncoderOptions options, params nn.Module[] modules)
    {
        var device = torch.device(options.Device);
        if (options.Threads is int threads) torch.set_num_threads(threads);
        foreach (var m in modules)
        {
            m.to(device);
            if (options.Precision == Precision.BFloat16) m.to(ScalarType.BFloat16);
            m.eval();
        }
        // bf16 is slower than fp32 on CPUs whose bf16 dot product issues at a fraction of the FMA rate (the team's
        // 2-core Xeon: 0.53x per GEMM). Say so once, where the caller listens; costs 50-100 ms, only then.
        if (options.Precision == Precision.BFloat16 && options.Log is { } log && device.type == DeviceType.CPU)
        {
            double ratio = MatmulProbe.BFloat16VsFloat32(device);
            if (ratio < 1.0)
                log($"precision bf16: this CPU multiplies bf16 matrices at {ratio:F2}x its float32 speed, so the model will be slower than with Precision.Float32 (see docs/benchmarks.md)");
        }
        return device;
    }
}
