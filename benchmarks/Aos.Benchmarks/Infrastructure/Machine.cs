using System.Runtime;
using System.Runtime.InteropServices;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>Describes the machine a measurement runs on.</summary>
internal static class Machine
{
    public static string Describe() =>
        $"Machine: {Environment.ProcessorCount} logical cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB, " +
        $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, " +
        $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC{(GCSettings.LatencyMode == GCLatencyMode.Interactive ? " (concurrent)" : string.Empty)}";
}
