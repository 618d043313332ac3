using ClusterHost;

// A silo, a job client and the scale-out benchmark (docs/scale-out.md).
try
{
    var settings = new HostSettings(args);
    return settings.Verb switch
    {
        "silo" => await SiloCommand.RunAsync(settings),
        "submit" => await SubmitCommand.RunAsync(settings),
        "bench" => await ScaleOutBenchmark.RunAsync(settings),
        _ => throw new ArgumentException($"unknown verb '{settings.Verb}'.\n{HostSettings.Usage}"),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
