namespace MLNet.SentenceEmbeddings.Training;

/// <summary>Linear warm-up from 0 to the peak over the first steps, then linear decay to 0 (SBERT Section 3).</summary>
public static class LearningRateSchedule
{
    /// <param name="step">0-based index of the step about to run.</param>
    /// <param name="totalSteps">All steps of the run.</param>
    /// <param name="warmupSteps">Steps of the warm-up.</param>
    /// <param name="peak">The learning rate reached at the end of the warm-up.</param>
    public static double WarmupLinear(int step, int totalSteps, int warmupSteps, double peak)
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        int decaySteps = Math.Max(1, totalSteps - warmupSteps);
        return peak * Math.Max(0.0, (double)(totalSteps - step) / decaySteps);
    }
}
