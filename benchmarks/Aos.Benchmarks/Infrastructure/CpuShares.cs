using System.Diagnostics;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// How busy the machine's CPUs were over an interval, and which processes used them: a set of node processes, the servers
/// (PostgreSQL, NATS, Redis, found by process name), this process, and the rest.
/// </summary>
internal sealed class CpuShares
{
    private static readonly string[] ServerNames = ["postgres", "nats-server", "redis-server"];
    private readonly (long Busy, long Total) _machine = ReadMachine();
    private readonly TimeSpan _client = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly Dictionary<int, TimeSpan> _nodes;
    private readonly Dictionary<int, TimeSpan> _servers = Servers();
    private readonly long _started = Stopwatch.GetTimestamp();

    public CpuShares(int[] nodes) => _nodes = nodes.ToDictionary(pid => pid, ThreadCpu.OfProcess);

    /// <summary>Gets the CPU time the nodes used since construction.</summary>
    public TimeSpan NodeTime => _nodes.Aggregate(TimeSpan.Zero, (sum, n) => sum + ThreadCpu.OfProcess(n.Key) - n.Value);

    /// <summary>Describes the interval as shares of all cores: machine busy, and the nodes, the servers, this process and the rest.</summary>
    public string Describe()
    {
        var capacity = Stopwatch.GetElapsedTime(_started).TotalSeconds * Environment.ProcessorCount;
        var (busy, total) = ReadMachine();
        var machine = total == _machine.Total ? 0 : (double)(busy - _machine.Busy) / (total - _machine.Total);
        var nodes = NodeTime.TotalSeconds / capacity;
        var servers = Servers().Sum(s => (s.Value - _servers.GetValueOrDefault(s.Key)).TotalSeconds) / capacity;
        var client = (Process.GetCurrentProcess().TotalProcessorTime - _client).TotalSeconds / capacity;
        return $"{machine:P0}: {nodes:P0} / {servers:P0} / {client:P0} / {Math.Max(0, machine - nodes - servers - client):P0}";
    }

    private static Dictionary<int, TimeSpan> Servers()
    {
        var servers = new Dictionary<int, TimeSpan>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid))
            {
                try
                {
                    if (ServerNames.Contains(File.ReadAllText(Path.Combine(directory, "comm")).Trim()))
                    {
                        servers[pid] = ThreadCpu.OfProcess(pid);
                    }
                }
                catch (IOException)
                {
                    // Gone.
                }
            }
        }

        return servers;
    }

    private static (long Busy, long Total) ReadMachine()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = fields[3] + fields[4];
        var total = fields.Take(8).Sum();
        return (total - idle, total);
    }
}
