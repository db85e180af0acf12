using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// A cluster of real <c>aos up</c> nodes on loopback, configured as the acceptance test <c>ClusterTests</c> configures its nodes:
/// Orleans membership on Redis, agent state and the kernel stores in PostgreSQL (one schema per cluster), the bus on NATS JetStream
/// (one stream prefix per node). Each node keeps its ports, data directory and stream prefix across restarts. Disposing kills every
/// node, drops the schema, deletes the streams and removes the Redis membership rows.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly ClusterServers _servers;
    private readonly string _aosDll;
    private readonly string _data;
    private readonly Node[] _nodes;

    private BenchCluster(ClusterServers servers, string aosDll, int size)
    {
        _servers = servers;
        _aosDll = aosDll;
        var run = Guid.NewGuid().ToString("N")[..8];
        Run = run;
        Schema = $"aos_bench_cl_{run}";
        ServiceId = $"aos-bench-cl-{run}";
        _data = BenchHost.CreateTempDirectory();
        var ports = new HashSet<int>();
        while (ports.Count < 3 * size)
        {
            ports.Add(FreePort());
        }

        var free = ports.ToArray();
        _nodes = [.. Enumerable.Range(0, size).Select(i =>
        {
            var prefix = $"BCL{run.ToUpperInvariant()}N{i + 1}";
            var directory = Path.Combine(_data, $"node{i + 1}");
            Directory.CreateDirectory(directory);
            var environment = new Dictionary<string, string>
            {
                ["AOS__CLUSTER__CLUSTERING"] = "redis",
                ["AOS__CLUSTER__REDIS__CONNECTIONSTRING"] = servers.Redis,
                ["AOS__CLUSTER__STORAGE"] = "postgres",
                // A node opens four Npgsql pools; three nodes with the default of 100 each exceed PostgreSQL's max_connections of 100.
                ["AOS__STORAGE__POSTGRES__CONNECTIONSTRING"] = new NpgsqlConnectionStringBuilder(servers.Postgres) { MaxPoolSize = servers.MaxPoolSize }.ConnectionString,
                ["AOS__STORAGE__POSTGRES__SCHEMA"] = Schema,
                ["AOS__BUS__TRANSPORT"] = "nats",
                ["AOS__NATS__TRANSPORT__URL"] = servers.Nats,
                ["AOS__NATS__TRANSPORT__STREAMPREFIX"] = prefix,
                ["AOS__CLUSTERID"] = ServiceId,
                ["AOS__SERVICEID"] = ServiceId,
                ["AOS__SILOPORT"] = free[3 * i].ToString(CultureInfo.InvariantCulture),
                ["AOS__GATEWAYPORT"] = free[(3 * i) + 1].ToString(CultureInfo.InvariantCulture),
                ["Logging__LogLevel__Aos.Kernel.Agents.AgentGrain"] = "Debug",
            };
            foreach (var (key, value) in servers.NodeEnvironment)
            {
                environment[key] = value;
            }

            return new Node(directory, free[(3 * i) + 2], environment, prefix);
        })];
    }

    public string Run { get; }

    public string Schema { get; }

    public string ServiceId { get; }

    public int Size => _nodes.Length;

    /// <summary>Gets a running node.</summary>
    public AosNodeProcess this[int index] => _nodes[index].Process ?? throw new InvalidOperationException($"Node {index + 1} is not running.");

    /// <summary>Starts a cluster of <paramref name="size"/> nodes: the first alone (it creates the schema), then the others at once.</summary>
    public static async Task<BenchCluster> StartAsync(ClusterServers servers, string aosDll, int size)
    {
        var cluster = new BenchCluster(servers, aosDll, size);
        try
        {
            await cluster.StartAsync(0);
            await Task.WhenAll(Enumerable.Range(1, size - 1).Select(cluster.StartAsync));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public bool IsRunning(int index) => _nodes[index].Process is not null;

    /// <summary>Starts a node (again) on its ports, data directory and stream prefix.</summary>
    public async Task StartAsync(int index)
    {
        var node = _nodes[index];
        if (node.Process is not null)
        {
            await node.Process.DisposeAsync();
            node.Process = null;
        }

        node.Process = await AosNodeProcess.StartAsync(_aosDll, node.Directory, node.HttpPort, node.Environment);
    }

    /// <summary>Kills a node with SIGKILL.</summary>
    public async Task KillAsync(int index)
    {
        var node = _nodes[index];
        await node.Process!.KillAsync();
        await node.Process.DisposeAsync();
        node.Process = null;
    }

    /// <summary>Gets the process ids of the running nodes.</summary>
    public int[] ProcessIds() => [.. _nodes.Where(n => n.Process is not null).Select(n => n.Process!.Id)];

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Where(n => n.Process is not null))
        {
            await node.Process!.DisposeAsync();
            node.Process = null;
        }

        await _servers.CleanUpAsync(Schema, _nodes.Select(n => n.StreamPrefix), ServiceId);
        BenchHost.DeleteDirectory(_data);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Node(string directory, int httpPort, Dictionary<string, string> environment, string streamPrefix)
    {
        public string Directory { get; } = directory;

        public int HttpPort { get; } = httpPort;

        public Dictionary<string, string> Environment { get; } = environment;

        public string StreamPrefix { get; } = streamPrefix;

        public AosNodeProcess? Process { get; set; }
    }
}
