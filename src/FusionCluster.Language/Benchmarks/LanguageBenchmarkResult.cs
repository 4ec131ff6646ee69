namespace FusionCluster.Language.Benchmarks;

/// <summary>One benchmark case: load time, forward throughput (median over repeats) and peak resident memory.</summary>
public sealed record LanguageBenchmarkResult(string Name, string Shape, long Parameters, double LoadSeconds, double TokensPerSecond, double ForwardSeconds, long PeakResidentBytes);
