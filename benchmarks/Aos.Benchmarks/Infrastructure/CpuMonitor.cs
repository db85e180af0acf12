using System.Diagnostics;
using System.Globalization;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Measures how busy the machine's CPUs were over an interval, and how much of that was this process, so a figure taken
/// while other processes competed for the two cores can be recognised as such.
/// </summary>
internal sealed class CpuMonitor
{
    private readonly (long Busy, long Total) _machine;
    private readonly TimeSpan _process;
    private readonly long _started;

    private CpuMonitor()
    {
        _machine = ReadMachine();
        _process = Process.GetCurrentProcess().TotalProcessorTime;
        _started = Stopwatch.GetTimestamp();
    }

    public static CpuMonitor Start() => new();

    /// <summary>Describes the interval: wall time, machine CPU use, and this process's share of it.</summary>
    public string Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_started);
        var process = Process.GetCurrentProcess().TotalProcessorTime - _process;
        var (busy, total) = ReadMachine();
        var machineBusy = total == _machine.Total ? 0 : (double)(busy - _machine.Busy) / (total - _machine.Total);
        var processShare = process.TotalSeconds / (wall.TotalSeconds * Environment.ProcessorCount);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"CPU over {wall.TotalSeconds:0.0} s: machine {machineBusy:P0} busy, this process {processShare:P0}, other processes {Math.Max(0, machineBusy - processShare):P0}");
    }

    private static (long Busy, long Total) ReadMachine()
    {
        try
        {
            // First line of /proc/stat: cpu user nice system idle iowait irq softirq steal ...
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            var idle = fields[3] + fields[4];
            var total = fields.Take(8).Sum();
            return (total - idle, total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }
}
