using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Aos.AcceptanceTests;

/// <summary>
/// Three real <c>aos up</c> nodes on loopback forming one cluster: Orleans membership on Redis, agent state and the kernel stores in
/// PostgreSQL, the bus on NATS JetStream (one stream prefix per node). Agents registered through one node are seen and served by every
/// node; a node killed with SIGKILL under message load, and not started again, loses no accepted message and processes none twice (the
/// others take over its stream when its lease runs out), its agents answer through the others, and a workflow started before the kill
/// completes; then the node joins again, and a rolling restart under load loses and repeats nothing.
/// </summary>
public sealed class ClusterTests
{
    private const int AgentCount = 12;
    private static readonly TimeSpan FailoverLimit = TimeSpan.FromMinutes(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeNodes_SharedRegistry_KillOneUnderLoad_RollingRestart_EveryAcceptedMessageProcessedOnce()
    {
        await ClusterServices.RequireAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        var cluster = new Cluster(run);
        var total = Stopwatch.StartNew();
        try
        {
            await cluster.StartAllAsync();
            var agents = Enumerable.Range(0, AgentCount).Select(i => $"cl-{i:D2}").ToArray();

            // Registered through node 1, listed by every node: the registry is shared.
            var body = new JsonArray([.. agents.Select(id => (JsonNode?)new JsonObject { ["id"] = id, ["type"] = "echo" })]);
            using (var registered = await cluster[0].Http.PostAsync("/v1/agents", Json(body), Ct))
            {
                Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync(Ct));
            }

            for (var n = 0; n < 3; n++)
            {
                var list = JsonNode.Parse(await cluster[n].Http.GetStringAsync("/v1/agents?limit=100", Ct))!;
                Assert.Equal(agents, list["items"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).Where(id => id.StartsWith("cl-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            }

            // Credentials are shared: node 1's admin key, and a token node 1 issued for it, work on the other nodes.
            using (var token = await cluster[0].Http.PostAsync("/v1/auth/token", new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_secret", cluster[0].Process!.ApiKey)]), Ct))
            {
                Assert.True(token.StatusCode == HttpStatusCode.OK, await token.Content.ReadAsStringAsync(Ct));
                var accessToken = JsonNode.Parse(await token.Content.ReadAsStringAsync(Ct))!["access_token"]!.GetValue<string>();
                foreach (var credential in new[] { cluster[0].Process!.ApiKey, accessToken })
                {
                    using var other = new HttpClient { BaseAddress = cluster[2].Process!.Url };
                    other.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credential);
                    using var listed = await other.GetAsync("/v1/agents?limit=1", Ct);
                    Assert.True(listed.StatusCode == HttpStatusCode.OK, $"A credential of node 1 was refused by node 3: {(int)listed.StatusCode}");
                }
            }

            // Every agent answers through every node. Each is woken first through a different node, for placement to spread them.
            await AnswerThroughEveryNodeAsync(cluster, agents);

            // Where each agent lives: the node that logged its wake (AgentGrain logs it at Debug, enabled below).
            var hosts = Hosts(cluster, agents);
            if (!hosts.Values.Any(h => h.Contains(2)))
            {
                // Orleans places a new activation on the least loaded node, and node 3, started last, can be passed over while it warms up:
                // a second batch, placed once it has, gives the kill agents to move.
                Log("No agent was placed on node 3; registering a second batch.");
                var more = Enumerable.Range(AgentCount, AgentCount).Select(i => $"cl-{i:D2}").ToArray();
                var moreBody = new JsonArray([.. more.Select(id => (JsonNode?)new JsonObject { ["id"] = id, ["type"] = "echo" })]);
                using (var registered = await cluster[2].Http.PostAsync("/v1/agents", Json(moreBody), Ct))
                {
                    Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync(Ct));
                }

                await AnswerThroughEveryNodeAsync(cluster, more);
                agents = [.. agents, .. more];
                hosts = Hosts(cluster, agents);
            }

            Log("Placement: " + string.Join(", ", Enumerable.Range(0, 3).Select(n => $"node {n + 1} hosts {hosts.Count(h => h.Value.Contains(n))}")));
            Assert.All(hosts, h => Assert.True(h.Value.Count == 1, $"{h.Key} woke on nodes {string.Join(", ", h.Value.Select(n => n + 1))}"));
            Assert.All(cluster.Nodes, n => Assert.DoesNotContain("info: Polly", n.Process!.StandardOutput, StringComparison.Ordinal));
            var moved = hosts.Where(h => h.Value[0] == 2).Select(h => h.Key).ToArray();
            Assert.True(moved.Length > 0, "No agent lives on node 3, so killing it moves none: " + string.Join(", ", hosts.Select(h => $"{h.Key}@{h.Value[0] + 1}")));

            // A workflow whose timer runs across the kill.
            await cluster[0].PostJsonAsync("/v1/workflows", JsonNode.Parse($$"""
                {
                  "name": "cl-flow-{{run}}",
                  "steps": [
                    { "id": "wait", "kind": "timer", "input": { "delay": "8s" } },
                    { "id": "announce", "kind": "publish", "dependsOn": ["wait"], "input": { "topic": "cl.flow.done" } }
                  ]
                }
                """)!.AsObject(), HttpStatusCode.Created);
            var started = await cluster[1].PostJsonAsync("/v1/workflow-runs", new JsonObject { ["workflow"] = $"cl-flow-{run}", ["id"] = $"cl-run-{run}" }, HttpStatusCode.Created);
            Assert.Equal("running", started["status"]!.GetValue<string>());

            // Load through all three nodes; node 3 is killed during it, after which only nodes 1 and 2 take messages.
            using var load = new Load(cluster, agents);
            var publishing = load.RunAsync([0, 1, 2]);
            await load.WaitForAcceptedAsync(60);
            load.Exclude(2);

            // A burst through node 3 right before the kill, so that it dies with accepted messages still waiting in its stream.
            var burst = await load.BurstAsync(2, 60);
            Log($"Burst of {burst} messages accepted through node 3; killing it.");
            var killedAt = Stopwatch.GetTimestamp();
            Assert.Equal(137, await cluster[2].Process!.KillAsync());

            // Every agent answers through nodes 1 and 2, under the load: those that lived on node 3 once Orleans has declared it dead and
            // they have woken on node 1 or 2.
            var answered = await Task.WhenAll(agents.Select(async agent =>
            {
                await RequestUntilAnsweredAsync(cluster[0], agent, killedAt);
                var first = Stopwatch.GetElapsedTime(killedAt);
                await RequestUntilAnsweredAsync(cluster[1], agent, killedAt);
                return (Agent: agent, First: first);
            }));
            await load.StopAsync(publishing);
            var failover = answered.Where(a => moved.Contains(a.Agent)).Max(a => a.First);
            Log($"After the kill: the {moved.Length} agents of node 3 ({string.Join(", ", moved)}) answered through node 1 within {failover.TotalSeconds:F1} s "
                + $"(first {answered.Where(a => moved.Contains(a.Agent)).Min(a => a.First).TotalSeconds:F1} s); the others within {answered.Where(a => !moved.Contains(a.Agent)).Max(a => a.First).TotalSeconds:F1} s.");
            // An agent may wake more than once here: when Orleans declares node 3 dead it deactivates the activations whose directory
            // entry node 3 held, and the next message wakes them again. What must hold is that every message is processed once (below).
            foreach (var agent in moved)
            {
                Assert.True(cluster[0].Wakes(agent) + cluster[1].Wakes(agent) >= 1, $"{agent} of node 3 did not wake on node 1 or 2.");
            }

            // Node 3 stays down: once its lease has gone unrenewed, node 1 or 2 takes over its stream and delivers what it had accepted.
            Log("Load stopped; node 3 stays down.");
            var adopted = await WaitForAdoptionAsync(cluster, killedAt);
            Log($"Node 3's messages were taken over {adopted.After.TotalSeconds:F1} s after the kill: {adopted.Line}");
            await load.WaitForSettledAsync();
            await AssertProcessedOnceAsync(cluster, agents, load);
            Log($"Kill phase: {load.Accepted.Count} messages accepted ({load.Accepted.Count(a => a.Node == 2)} through node 3), every one processed once.");

            var flow = JsonNode.Parse(await cluster[0].Http.GetStringAsync($"/v1/workflow-runs/cl-run-{run}?waitMs=25000", Ct))!;
            for (var i = 0; i < 4 && flow["status"]!.GetValue<string>() == "running"; i++)
            {
                flow = JsonNode.Parse(await cluster[i % 3].Http.GetStringAsync($"/v1/workflow-runs/cl-run-{run}?waitMs=25000", Ct))!;
            }

            Assert.True(flow["status"]!.GetValue<string>() == "completed", flow.ToJsonString());

            // Node 3 joins again on its ports, data directory and stream prefix, whose messages have all moved.
            await cluster.StartAsync(2);
            var loaded = await cluster[2].Process!.WaitForOutputAsync("NATS transport started");
            Log($"Node 3 joined again: {loaded.Trim()}");

            // Rolling restart: each node in turn stops (SIGTERM) and starts again while the other two take messages.
            for (var n = 0; n < 3; n++)
            {
                var others = Enumerable.Range(0, 3).Where(o => o != n).ToArray();
                var rolling = load.RunAsync(others);
                var before = load.Accepted.Count;
                await load.WaitForAcceptedAsync(before + 20);
                Log($"Stopping node {n + 1} (SIGTERM).");
                Assert.Equal(0, await cluster[n].Process!.StopAsync());
                Log($"Node {n + 1} stopped; starting it again.");
                await cluster.StartAsync(n);
                Log($"Node {n + 1} is up again.");
                await load.WaitForAcceptedAsync(load.Accepted.Count + 20);
                await load.StopAsync(rolling);
                Log($"Rolling restart of node {n + 1}: {load.Accepted.Count - before} messages accepted through nodes {string.Join(" and ", others.Select(o => o + 1))}.");
            }

            await load.WaitForSettledAsync();
            await AssertProcessedOnceAsync(cluster, agents, load);
            Log($"{load.Accepted.Count} messages accepted in all, every one processed once; {load.Refused} posts refused or failed. Total {total.Elapsed.TotalSeconds:F0} s.");
        }
        catch
        {
            foreach (var node in cluster.Nodes.Where(n => n.Process is not null))
            {
                Log($"=== node {node.Index + 1} ===\n{Tail(node.Process!.Describe(), 20_000)}");
            }

            throw;
        }
        finally
        {
            await cluster.DisposeAsync();
            await ClusterServices.CleanUpAsync(cluster.Schema, cluster.Nodes.Select(n => n.StreamPrefix), cluster.ServiceId);
        }
    }

    private static async Task AnswerThroughEveryNodeAsync(Cluster cluster, string[] agents)
    {
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < agents.Length; i++)
            {
                var n = (i + round) % 3;
                var answer = await cluster[n].PostJsonAsync($"/v1/agents/{agents[i]}/requests", new JsonObject { ["type"] = "ping", ["payload"] = new JsonObject { ["via"] = n + 1 } }, HttpStatusCode.OK);
                Assert.Equal(n + 1, answer["reply"]!["payload"]!["via"]!.GetValue<int>());
            }
        }
    }

    private static Dictionary<string, List<int>> Hosts(Cluster cluster, string[] agents) =>
        agents.ToDictionary(a => a, a => cluster.Nodes.Where(n => n.Wakes(a) > 0).Select(n => n.Index).ToList(), StringComparer.Ordinal);

    private static async Task RequestUntilAnsweredAsync(ClusterNode node, string agent, long killedAt)
    {
        var failures = new List<string>();
        while (true)
        {
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                limit.CancelAfter(TimeSpan.FromSeconds(15));
                using var response = await node.Http.PostAsync($"/v1/agents/{agent}/requests", Json(new JsonObject { ["type"] = "ping", ["timeoutMs"] = 5000 }), limit.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    if (failures.Count > 0)
                    {
                        Log($"{agent} through node {node.Index + 1}: answered {Stopwatch.GetElapsedTime(killedAt).TotalSeconds:F1} s after the kill, after {failures.Count} failures ({failures[0]}).");
                    }

                    return;
                }

                failures.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !Ct.IsCancellationRequested)
            {
                failures.Add(e.GetType().Name);
            }

            if (Stopwatch.GetElapsedTime(killedAt) > FailoverLimit)
            {
                Assert.Fail($"{agent} did not answer through node {node.Index + 1} within {FailoverLimit} of the kill: {string.Join(" | ", failures.TakeLast(5))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
        }
    }

    /// <summary>Waits until node 1 or 2 logs that it took over node 3's messages, and returns that line and when it came.</summary>
    private static async Task<(string Line, TimeSpan After)> WaitForAdoptionAsync(Cluster cluster, long killedAt)
    {
        var took = $"of node {cluster[2].StreamPrefix}";
        var line = await Task.WhenAny(cluster.Nodes.Take(2).Select(n => n.Process!.WaitForOutputAsync("took over")));
        var text = await line.WaitAsync(FailoverLimit, Ct);
        Assert.Contains(took, text, StringComparison.Ordinal);
        return (text.Trim(), Stopwatch.GetElapsedTime(killedAt));
    }

    private static async Task AssertProcessedOnceAsync(Cluster cluster, string[] agents, Load load)
    {
        var expected = load.Accepted.ToArray().GroupBy(a => a.Agent, a => a.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var agent in agents)
        {
            var context = JsonNode.Parse(await cluster[0].Http.GetStringAsync($"/v1/agents/{agent}/context?limit=1000", Ct))!;
            var history = context["history"]!.AsArray().Where(h => h!["type"]!.GetValue<string>() == "cl.tick").Select(h => h!["messageId"]!.GetValue<string>()).ToList();
            var duplicates = history.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            var mine = expected.GetValueOrDefault(agent) ?? [];
            var missing = mine.Except(history, StringComparer.Ordinal).ToList();
            Assert.True(duplicates.Count == 0, $"{agent} processed messages twice: {string.Join(", ", duplicates)}");
            Assert.True(missing.Count == 0, $"{agent} never processed {missing.Count} accepted messages: {string.Join(", ", missing.Take(20))}");
        }
    }

    private static void Log(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);

        // The test output of a passing test is not shown; AOS_TEST_CLUSTER_LOG names a file to follow the run in.
        if (Environment.GetEnvironmentVariable("AOS_TEST_CLUSTER_LOG") is { Length: > 0 } file)
        {
            File.AppendAllText(file, $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}\n");
        }
    }

    private static string Tail(string text, int length) => text.Length <= length ? text : text[^length..];

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>One node: fixed silo and gateway ports, data directory and stream prefix, kept across restarts.</summary>
    private sealed class ClusterNode(int index, string dataDirectory, Dictionary<string, string> environment, string streamPrefix)
    {
        public int Index { get; } = index;

        public string DataDirectory { get; } = dataDirectory;

        public Dictionary<string, string> Environment { get; } = environment;

        public string StreamPrefix { get; } = streamPrefix;

        public AosUpProcess? Process { get; set; }

        /// <summary>Counts the times this run of the node logged that an agent woke.</summary>
        public int Wakes(string agent) =>
            Process!.StandardOutput.Split('\n').Count(l => l.Contains($"Agent {agent} woke", StringComparison.Ordinal));

        public HttpClient Http => Process?.Http ?? throw new InvalidOperationException($"Node {Index + 1} is not running.");

        public Task<JsonNode> PostJsonAsync(string path, JsonObject? body, HttpStatusCode expected) =>
            Process!.PostJsonAsync(path, body, expected);
    }

    private sealed class Cluster : IAsyncDisposable
    {
        private readonly TempDirectory _data = new();

        public Cluster(string run)
        {
            Schema = $"aos_cl_{run}";
            ServiceId = $"aos-cl-{run}";
            var ports = new HashSet<int>();
            while (ports.Count < 6)
            {
                ports.Add(DotNet.FreePort());
            }

            var free = ports.ToArray();
            Nodes = [.. Enumerable.Range(0, 3).Select(i =>
            {
                var prefix = $"CL{run.ToUpperInvariant()}N{i + 1}";
                var directory = _data.Combine($"node{i + 1}");
                Directory.CreateDirectory(directory);
                var environment = new Dictionary<string, string>
                {
                    ["AOS__CLUSTER__CLUSTERING"] = "redis",
                    ["AOS__CLUSTER__REDIS__CONNECTIONSTRING"] = ClusterServices.Redis,
                    ["AOS__CLUSTER__STORAGE"] = "postgres",
                    // A node opens four Npgsql pools (kernel stores, storage, grain state, reminders), each up to 100 connections by default:
                    // three nodes under load exceed PostgreSQL's default max_connections of 100 ("53300: sorry, too many clients already").
                    ["AOS__STORAGE__POSTGRES__CONNECTIONSTRING"] = new Npgsql.NpgsqlConnectionStringBuilder(ClusterServices.Postgres) { MaxPoolSize = 6 }.ConnectionString,
                    ["AOS__STORAGE__POSTGRES__SCHEMA"] = Schema,
                    ["AOS__BUS__TRANSPORT"] = "nats",
                    ["AOS__NATS__TRANSPORT__URL"] = ClusterServices.Nats,
                    ["AOS__NATS__TRANSPORT__STREAMPREFIX"] = prefix,
                    // A lost node's messages move to the others 10 s after its last lease renewal (the default is 30 s).
                    ["AOS__NATS__TRANSPORT__LEASETIMEOUT"] = "00:00:10",
                    ["AOS__CLUSTERID"] = ServiceId,
                    ["AOS__SERVICEID"] = ServiceId,
                    ["AOS__SILOPORT"] = free[2 * i].ToString(CultureInfo.InvariantCulture),
                    ["AOS__GATEWAYPORT"] = free[(2 * i) + 1].ToString(CultureInfo.InvariantCulture),
                    ["Logging__LogLevel__Aos.Kernel.Agents.AgentGrain"] = "Debug",
                };
                if (i == 2)
                {
                    // Node 3 hands out one message at a time, so accepted messages still wait in its stream when it is killed.
                    environment["AOS__BUS__MAXCONCURRENTDELIVERIES"] = "1";
                    environment["AOS__BUS__MAXDELIVERYBATCH"] = "1";
                }

                return new ClusterNode(i, directory, environment, prefix);
            })];
        }

        public string Schema { get; }

        public string ServiceId { get; }

        public ClusterNode[] Nodes { get; }

        public ClusterNode this[int index] => Nodes[index];

        public async Task StartAllAsync()
        {
            // The first node creates the schema; the others join it.
            await StartAsync(0);
            await Task.WhenAll(StartAsync(1), StartAsync(2));
        }

        public async Task StartAsync(int index)
        {
            var node = Nodes[index];
            if (node.Process is not null)
            {
                await node.Process.DisposeAsync();
            }

            node.Process = await AosUpProcess.StartAsync(node.DataDirectory, node.Environment);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var node in Nodes.Where(n => n.Process is not null))
            {
                await node.Process!.DisposeAsync();
            }

            _data.Dispose();
        }
    }

    /// <summary>Posts messages to the agents in turn through a set of nodes, and remembers those accepted (202) and the node that took each.</summary>
    private sealed class Load(Cluster cluster, string[] agents) : IDisposable
    {
        private readonly ConcurrentDictionary<int, bool> _excluded = new();
        private CancellationTokenSource _stop = new();
        private int _sequence;
        private int _refused;
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

        public ConcurrentQueue<(int Node, string Agent, string Id)> Accepted { get; } = new();

        public int Refused => _refused;

        public void Dispose() => _stop.Dispose();

        public Task RunAsync(int[] nodes)
        {
            _stop.Dispose();
            _stop = new CancellationTokenSource();
            _excluded.Clear();
            var stop = _stop.Token;
            return Task.WhenAll(nodes.SelectMany(n => Enumerable.Range(0, 2).Select(_ => Task.Run(() => PublishAsync(n, stop), CancellationToken.None))));
        }

        public void Exclude(int node) => _excluded[node] = true;

        public async Task WaitForAcceptedAsync(int count)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waiters)
            {
                _waiters.Add((count, reached));
            }

            Signal();
            try
            {
                await reached.Task.WaitAsync(TimeSpan.FromMinutes(2), Ct);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"Only {Accepted.Count} of {count} messages were accepted within 2 minutes ({_refused} refused).");
            }
        }

        /// <summary>Completes the waits whose count the accepted messages reached.</summary>
        private void Signal()
        {
            lock (_waiters)
            {
                foreach (var waiter in _waiters.Where(w => Accepted.Count >= w.Count).ToList())
                {
                    waiter.Reached.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }

        public async Task StopAsync(Task publishing)
        {
            await _stop.CancelAsync();
            await publishing;
        }

        public async Task WaitForSettledAsync()
        {
            // Each message's status is in the ledger of the node that accepted it, or of the node that took over its stream; a read through
            // any running node finds it, and waits while it is pending.
            foreach (var (node, _, id) in Accepted)
            {
                JsonNode status;
                var limit = Stopwatch.StartNew();
                var via = cluster[node].Process is { HasExited: false } ? node : (node + 1) % 3;
                do
                {
                    using var response = await cluster[via].Http.GetAsync($"/v1/messages/{id}?waitMs=5000", Ct);
                    var body = await response.Content.ReadAsStringAsync(Ct);
                    Assert.True(response.IsSuccessStatusCode, $"{id} (accepted through node {node + 1}, read through node {via + 1}) answered {(int)response.StatusCode}: {body}");
                    status = JsonNode.Parse(body)!;
                }
                while (status["status"]!.GetValue<string>() == "pending" && limit.Elapsed < TimeSpan.FromMinutes(2));

                Assert.True(status["status"]!.GetValue<string>() == "delivered", $"{id} (through node {node + 1}) is {status["status"]}: {status.ToJsonString()}");
            }
        }

        /// <summary>Posts messages through one node all at once and returns how many it accepted.</summary>
        public async Task<int> BurstAsync(int node, int count)
        {
            var accepted = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                var n = Interlocked.Increment(ref _sequence);
                var agent = agents[n % agents.Length];
                var id = $"cl-m{n:D5}";
                using var response = await cluster[node].Http.PostAsync($"/v1/agents/{agent}/messages", Json(new JsonObject { ["type"] = "cl.tick", ["id"] = id }), Ct);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref _refused);
                    return false;
                }

                Accepted.Enqueue((node, agent, id));
                return true;
            }));
            Signal();
            return accepted.Count(a => a);
        }

        private async Task PublishAsync(int node, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested && !_excluded.ContainsKey(node))
            {
                var n = Interlocked.Increment(ref _sequence);
                var agent = agents[n % agents.Length];
                var id = $"cl-m{n:D5}";
                try
                {
                    using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    using var response = await cluster[node].Http.PostAsync($"/v1/agents/{agent}/messages", Json(new JsonObject { ["type"] = "cl.tick", ["id"] = id }), limit.Token);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        Accepted.Enqueue((node, agent, id));
                        Signal();
                    }
                    else
                    {
                        Interlocked.Increment(ref _refused);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException)
                {
                    Interlocked.Increment(ref _refused);
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
