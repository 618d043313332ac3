using System.Globalization;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>The best evaluation so far and the weights of every training module at that step.</summary>
internal sealed record BestSnapshot(int Step, double Metric, List<List<NamedArray>> Weights);

/// <summary>Everything a run has produced up to <see cref="Step"/> besides the live weights: its history, evaluations and best snapshot.</summary>
internal sealed record TrainingState(int Step, List<TrainingProgress> History, List<TrainingEvaluation> Evaluations, BestSnapshot? Best);

/// <summary>
/// A resumable training state in one folder, written whole or not at all (<see cref="AtomicDirectory"/>): the model's
/// own files (written by <see cref="ITrainingTarget.SaveCheckpoint"/>), the AdamW moments (optimizer.bin), the best
/// weights so far (best/module-N.safetensors) and trainer_state.json (step, seed, total steps, the loss history, the
/// evaluations and the best step and metric). Shuffling and dropout are seeded from (seed, epoch) and (seed, step), so
/// a resumed run ends with the weights, history and chosen best step of an uninterrupted one.
/// </summary>
internal static class TrainingCheckpoint
{
    private const string OptimizerFile = "optimizer.bin";
    private const string StateFile = "trainer_state.json";
    private const string BestFolder = "best";

    public static string Write(string root, TrainingState state, TrainingOptions options, int totalSteps, ITrainingTarget target,
                               TorchSharp.Modules.OptimizerHelper optimizer)
    {
        string folder = Path.Combine(root, TrainingCheckpoints.Prefix + state.Step.ToString(CultureInfo.InvariantCulture));
        AtomicDirectory.Write(folder, temp =>
        {
            target.SaveCheckpoint(temp);
            optimizer.save_state_dict(Path.Combine(temp, OptimizerFile));
            if (state.Best is { } best)
            {
                Directory.CreateDirectory(Path.Combine(temp, BestFolder));
                for (int m = 0; m < best.Weights.Count; m++)
                {
                    // Plainly: the checkpoint's AtomicDirectory flushes every file of temp once before its swap.
                    using var file = File.Create(Path.Combine(temp, BestFolder, ModuleFile(m)));
                    SafeTensors.Write(file, best.Weights[m]);
                }
            }
            File.WriteAllText(Path.Combine(temp, StateFile), StateJson(state, options, totalSteps, target).ToJsonString());
        });
        return folder;
    }

    /// <summary>Loads a checkpoint into the live objects; returns the state of the run at that step.</summary>
    /// <exception cref="FileNotFoundException">Not a checkpoint folder.</exception>
    /// <exception cref="InvalidDataException">trainer_state.json is malformed; the message names it and the key.</exception>
    /// <exception cref="IncompatibleCheckpointException">The checkpoint comes from a run with another seed, length, objective or optimiser setting; nothing was loaded.</exception>
    public static TrainingState Read(string folder, TrainingOptions options, int totalSteps, ITrainingTarget target, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        int seed = options.Seed;
        string statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath)) throw new FileNotFoundException($"{folder}: not a training checkpoint ({StateFile} missing).", statePath);
        var json = JsonConfigFile.Read(statePath);
        int savedSeed = json.GetInt32("seed") ?? throw json.Error("seed", "is missing.");
        if (savedSeed != seed)
            throw new IncompatibleCheckpointException(folder, $"{statePath}: the checkpoint was trained with seed {savedSeed}; resume with the same seed (got {seed}).");
        int step = json.GetInt32("step") ?? throw json.Error("step", "is missing.");
        // Written since the best weights and history are kept; older checkpoints hold step and seed only.
        if (json.GetInt32("total_steps") is int savedTotal && savedTotal != totalSteps)
            throw new IncompatibleCheckpointException(folder,
                $"{statePath}: the checkpoint comes from a run of {savedTotal} steps, this run has {totalSteps}; resume with the same data, batch size and epochs.");
        if (step < 0 || step > totalSteps) throw json.Error("step", $"must be in 0..{totalSteps}, got {step}.");
        // Written since 2026-12-04: a run resumed with another learning rate or objective would go on from weights it
        // did not make, under the new command line.
        if (json.GetObject("run") is { } saved)
            foreach (var (key, value) in RunSettings(options, target))
                if (saved.GetString(key) is string was && was != value)
                    throw new IncompatibleCheckpointException(folder, $"{statePath}: the checkpoint was trained with {key} {was}, this run has {value}; resume with the same settings, or start again without it.");

        var history = (json.GetObjectArray("history") ?? Array.Empty<JsonConfigFile>()).Select(h => new TrainingProgress(
            Int(h, "step"), totalSteps, Int(h, "epoch"), Number(h, "loss"), Number(h, "learning_rate"), Number(h, "examples_per_second"))).ToList();
        var evaluations = (json.GetObjectArray("evaluations") ?? Array.Empty<JsonConfigFile>()).Select(e =>
        {
            var metrics = e.GetObject("metrics") ?? throw e.Error("metrics", "is missing.");
            return new TrainingEvaluation(Int(e, "step"), Number(e, "primary_metric"),
                metrics.Keys.ToDictionary(k => k, k => Number(metrics, k), StringComparer.Ordinal));
        }).ToList();
        BestSnapshot? best = null;
        if (json.GetObject("best") is { } b)
        {
            var weights = new List<List<NamedArray>>();
            for (int m = 0; m < target.Modules.Count; m++)
                weights.Add(SafeTensors.Read(Path.Combine(folder, BestFolder, ModuleFile(m))).Values.ToList());
            best = new BestSnapshot(Int(b, "step"), Number(b, "metric"), weights);
        }

        target.LoadCheckpoint(folder);
        optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
        return new TrainingState(step, history, evaluations, best);
    }

    private static string ModuleFile(int m) => $"module-{m}.safetensors";

    /// <summary>The objective and the settings besides seed and length that shape a run's steps (compared exactly on resume).</summary>
    private static IEnumerable<(string Key, string Value)> RunSettings(TrainingOptions o, ITrainingTarget target) =>
        o.StepSettings().Prepend(("objective", target.LossName));

    private static JsonObject StateJson(TrainingState state, TrainingOptions options, int totalSteps, ITrainingTarget target)
    {
        var json = new JsonObject
        {
            ["step"] = state.Step,
            ["seed"] = options.Seed,
            ["total_steps"] = totalSteps,
            ["run"] = new JsonObject(RunSettings(options, target).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["history"] = new JsonArray(state.History.Select(h => (JsonNode)new JsonObject
            {
                ["step"] = h.Step, ["epoch"] = h.Epoch, ["loss"] = Number(h.Loss), ["learning_rate"] = Number(h.LearningRate),
                ["examples_per_second"] = Number(h.ExamplesPerSecond),
            }).ToArray()),
            ["evaluations"] = new JsonArray(state.Evaluations.Select(e => (JsonNode)new JsonObject
            {
                ["step"] = e.Step, ["primary_metric"] = Number(e.PrimaryMetric),
                ["metrics"] = new JsonObject(e.Metrics.Select(kv => KeyValuePair.Create(kv.Key, Number(kv.Value)))),
            }).ToArray()),
        };
        if (state.Best is { } best) json["best"] = new JsonObject { ["step"] = best.Step, ["metric"] = Number(best.Metric) };
        return json;
    }

    // JSON has no NaN or infinity (an undefined correlation is NaN): those travel as strings.
    private static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(v.ToString(CultureInfo.InvariantCulture));

    private static double Number(JsonConfigFile o, string key)
    {
        if (o.GetElement(key) is { ValueKind: System.Text.Json.JsonValueKind.String } s
            && double.TryParse(s.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double named) && !double.IsFinite(named))
            return named;
        return o.GetDouble(key) ?? throw o.Error(key, "is missing.");
    }

    private static int Int(JsonConfigFile o, string key) => o.GetInt32(key) ?? throw o.Error(key, "is missing.");
}
