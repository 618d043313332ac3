using System.Diagnostics;
using MLNet.SentenceEmbeddings.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// Fine-tunes a <see cref="SentenceEncoder"/> with one objective: every column of an example goes through the same
/// encoder (shared weights, SBERT Section 3), the loss compares the embeddings, and AdamW updates the encoder and
/// the loss's own parameters.
/// </summary>
/// <remarks>Do not call the encoder's Encode from another thread while it trains.</remarks>
public sealed class SiameseTrainer
{
    private readonly SentenceEncoder _encoder;
    private readonly ISentenceLoss _loss;
    private readonly SiameseTrainingOptions _options;

    public SiameseTrainer(SentenceEncoder encoder, ISentenceLoss loss, SiameseTrainingOptions? options = null)
    {
        _encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        _loss = loss ?? throw new ArgumentNullException(nameof(loss));
        _options = options ?? new SiameseTrainingOptions();
        _options.Validate();
        if (encoder.Options.Precision != Precision.Float32)
            throw new ArgumentException("Training needs an encoder loaded with Precision.Float32.", nameof(encoder));
    }

    /// <summary>Runs the configured epochs over <paramref name="examples"/>; returns the per-step history.</summary>
    /// <exception cref="ArgumentException">Bad data; the message names the row and column.</exception>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite.</exception>
    public IReadOnlyList<TrainingProgress> Train(IReadOnlyList<TrainingExample> examples)
    {
        CheckData(examples);
        torch.manual_seed(_options.Seed);
        var random = new Random(_options.Seed);
        int stepsPerEpoch = (examples.Count + _options.BatchSize - 1) / _options.BatchSize;
        int totalSteps = stepsPerEpoch * _options.Epochs;
        int warmup = (int)Math.Ceiling(totalSteps * _options.WarmupFraction);

        var parameters = _encoder.Model.parameters().Concat(_loss.Parameters).ToList();
        var groups = new[]
        {
            new AdamW.ParamGroup(parameters.Where(p => p.dim() > 1), new AdamW.Options { weight_decay = _options.WeightDecay }),
            new AdamW.ParamGroup(parameters.Where(p => p.dim() <= 1), new AdamW.Options { weight_decay = 0.0 }),
        };
        using var optimizer = torch.optim.AdamW(groups, _options.LearningRate);
        var history = new List<TrainingProgress>(totalSteps);
        var clock = Stopwatch.StartNew();
        long seen = 0;
        _encoder.Model.train();
        if (_loss is nn.Module lossModule) lossModule.train();
        try
        {
            int step = 0;
            for (int epoch = 0; epoch < _options.Epochs; epoch++)
            {
                var order = Enumerable.Range(0, examples.Count).ToArray();
                if (_options.Shuffle) random.Shuffle(order);
                foreach (var batch in order.Chunk(_options.BatchSize))
                {
                    _options.CancellationToken.ThrowIfCancellationRequested();
                    double lr = LearningRateSchedule.WarmupLinear(step, totalSteps, warmup, _options.LearningRate);
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                    double value = Step(optimizer, parameters, batch.Select(i => examples[i]).ToList(), step);
                    seen += batch.Length;
                    var progress = new TrainingProgress(step + 1, totalSteps, epoch + 1, value, lr, seen / clock.Elapsed.TotalSeconds);
                    history.Add(progress);
                    _options.Progress?.Report(progress);
                    if ((step + 1) % 50 == 0 || step + 1 == totalSteps)
                        _options.Log?.Invoke($"step {step + 1}/{totalSteps} epoch {epoch + 1} loss {value:F4} lr {lr:E2} {progress.ExamplesPerSecond:F1} examples/s");
                    step++;
                }
            }
        }
        finally
        {
            _encoder.Model.eval();
            if (_loss is nn.Module m) m.eval();
        }
        return history;
    }

    private double Step(OptimizerHelper optimizer, List<Parameter> parameters, IReadOnlyList<TrainingExample> batch, int step)
    {
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        var embeddings = new List<Tensor>(_loss.Columns);
        for (int c = 0; c < _loss.Columns; c++)
        {
            var inputs = batch.Select(e => _encoder.Tokenizer.Encode(e.Texts[c])).ToList();
            using var tokens = TokenBatch.Pad(inputs, _encoder.Tokenizer.PadTokenId, _encoder.Device);
            embeddings.Add(_encoder.Forward(tokens));
        }
        Tensor? labels = null;
        if (_loss.NeedsLabels)
        {
            labels = _loss is SoftmaxLoss
                ? tensor(batch.Select(e => (long)e.Label).ToArray(), device: _encoder.Device)
                : tensor(batch.Select(e => (float)e.Label).ToArray(), device: _encoder.Device);
        }
        var loss = _loss.Compute(embeddings, labels);
        double value = loss.item<float>();
        if (!double.IsFinite(value))
            throw new InvalidOperationException($"The {_loss.GetType().Name} became {value} at step {step + 1}; lower the learning rate or check the data.");
        loss.backward();
        torch.nn.utils.clip_grad_norm_(parameters, _options.MaxGradNorm);
        optimizer.step();
        return value;
    }

    private void CheckData(IReadOnlyList<TrainingExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("The training set is empty.", nameof(examples));
        for (int row = 0; row < examples.Count; row++)
        {
            var e = examples[row] ?? throw new ArgumentException($"Row {row}: the example is null.", nameof(examples));
            if (e.Texts.Count != _loss.Columns)
                throw new ArgumentException($"Row {row}: {e.Texts.Count} sentence column(s), {_loss.GetType().Name} expects {_loss.Columns}.", nameof(examples));
            for (int c = 0; c < e.Texts.Count; c++)
                if (e.Texts[c] is null) throw new ArgumentException($"Row {row}, column {c}: the sentence is null.", nameof(examples));
            if (!_loss.NeedsLabels) continue;
            if (!double.IsFinite(e.Label)) throw new ArgumentException($"Row {row}, label: {e.Label} is not a finite number.", nameof(examples));
            if (_loss is SoftmaxLoss softmax && (e.Label != Math.Floor(e.Label) || e.Label < 0 || e.Label >= softmax.NumLabels))
                throw new ArgumentException($"Row {row}, label: {e.Label} is not a class index in 0..{softmax.NumLabels - 1}.", nameof(examples));
        }
    }
}
