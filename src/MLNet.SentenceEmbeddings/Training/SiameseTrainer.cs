using System.Diagnostics;
using MLNet.SentenceEmbeddings.Checkpoints;
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

    /// <summary>Runs the configured epochs over <paramref name="examples"/>.</summary>
    /// <param name="examples">The training set.</param>
    /// <param name="resumeFrom">A checkpoint-STEP folder written by an earlier run with the same data and options:
    /// training continues after that step and ends with the weights an uninterrupted run would have.</param>
    /// <exception cref="ArgumentException">Bad data; the message names the row and column.</exception>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite.</exception>
    public TrainingResult Train(IReadOnlyList<TrainingExample> examples, string? resumeFrom = null)
    {
        CheckData(examples);
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
        int step = resumeFrom is null ? 0 : TrainingCheckpoint.Read(resumeFrom, _options.Seed, _encoder, _loss, optimizer);
        if (resumeFrom is not null) _options.Log?.Invoke($"resumed from {resumeFrom} after step {step}");

        var history = new List<TrainingProgress>(totalSteps);
        var evaluations = new List<TrainingEvaluation>();
        (int Step, double Metric, List<NamedArray> Encoder, List<NamedArray>? Loss)? best = null;
        var clock = Stopwatch.StartNew();
        long seen = 0;
        SetTraining(true);
        try
        {
            for (int epoch = step / stepsPerEpoch; epoch < _options.Epochs; epoch++)
            {
                // Seeded per epoch (not one generator for the run) so that a resumed run shuffles identically.
                var order = Enumerable.Range(0, examples.Count).ToArray();
                if (_options.Shuffle) new Random(HashCode.Combine(_options.Seed, epoch)).Shuffle(order);
                var batches = order.Chunk(_options.BatchSize).ToList();
                for (int b = step - epoch * stepsPerEpoch; b < batches.Count; b++)
                {
                    _options.CancellationToken.ThrowIfCancellationRequested();
                    double lr = LearningRateSchedule.WarmupLinear(step, totalSteps, warmup, _options.LearningRate);
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                    // Dropout draws from a generator seeded by (seed, step): reproducible, and resumable at any step.
                    torch.manual_seed(HashCode.Combine(_options.Seed, step));
                    double value = Step(optimizer, parameters, batches[b].Select(i => examples[i]).ToList(), step);
                    seen += batches[b].Length;
                    step++;
                    var progress = new TrainingProgress(step, totalSteps, epoch + 1, value, lr, seen / clock.Elapsed.TotalSeconds);
                    history.Add(progress);
                    _options.Progress?.Report(progress);
                    if (step % 50 == 0 || step == totalSteps)
                        _options.Log?.Invoke($"step {step}/{totalSteps} epoch {epoch + 1} loss {value:F4} lr {lr:E2} {progress.ExamplesPerSecond:F1} examples/s");
                    if (_options.Evaluator is { } evaluator && (step == totalSteps || (_options.EvaluationSteps > 0 && step % _options.EvaluationSteps == 0)))
                    {
                        var evaluation = Evaluate(evaluator, step);
                        evaluations.Add(evaluation);
                        if (best is null || evaluation.PrimaryMetric > best.Value.Metric)
                            best = (step, evaluation.PrimaryMetric, StateDict.Export(_encoder.Model), _loss is nn.Module lm ? StateDict.Export(lm) : null);
                    }
                    if (_options.CheckpointSteps > 0 && step % _options.CheckpointSteps == 0)
                    {
                        string written = TrainingCheckpoint.Write(_options.CheckpointDirectory!, step, _options.Seed, _encoder, _loss, optimizer);
                        _options.Log?.Invoke($"checkpoint {written}");
                    }
                }
            }
        }
        finally
        {
            SetTraining(false);
        }
        if (best is { } kept && _options.KeepBestModel && kept.Step != step)
        {
            StateDict.Load(_encoder.Model, kept.Encoder.ToDictionary(a => a.Name), $"best model (step {kept.Step})");
            if (kept.Loss is not null && _loss is nn.Module lm) StateDict.Load(lm, kept.Loss.ToDictionary(a => a.Name), $"best loss head (step {kept.Step})");
            _options.Log?.Invoke($"kept the weights of step {kept.Step} ({_options.Evaluator!.PrimaryMetric} {kept.Metric:F4})");
        }
        return new TrainingResult(history, evaluations, best?.Step);
    }

    private TrainingEvaluation Evaluate(Evaluation.ISentenceEvaluator evaluator, int step)
    {
        SetTraining(false); // no dropout while scoring
        try
        {
            var metrics = evaluator.Evaluate(_encoder, _options.CancellationToken);
            double primary = metrics[evaluator.PrimaryMetric];
            _options.Log?.Invoke($"step {step}: {evaluator.PrimaryMetric} {primary:F4}");
            return new TrainingEvaluation(step, primary, metrics);
        }
        finally
        {
            SetTraining(true);
        }
    }

    private void SetTraining(bool training)
    {
        _encoder.Model.train(training);
        if (_loss is nn.Module m) m.train(training);
    }

    private double Step(OptimizerHelper optimizer, List<Parameter> parameters, IReadOnlyList<TrainingExample> batch, int step)
    {
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        var loss = ForwardLoss(batch);
        double value = loss.ToDouble(); // float32, or bfloat16 where autocast ran the objective's last op
        if (!double.IsFinite(value))
            throw new InvalidOperationException($"The {_loss.GetType().Name} became {value} at step {step + 1}; lower the learning rate or check the data.");
        loss.backward();
        torch.nn.utils.clip_grad_norm_(parameters, _options.MaxGradNorm);
        optimizer.step();
        return value;
    }

    /// <summary>Encoder passes and the objective for one batch, under bf16 autocast when asked (backward runs outside).</summary>
    private Tensor ForwardLoss(IReadOnlyList<TrainingExample> batch)
    {
        using var autocast = _options.Precision == Precision.BFloat16 ? Native.Autocast.BFloat16() : null;
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
        return _loss.Compute(embeddings, labels);
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
