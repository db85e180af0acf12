using System.Diagnostics;
using System.Net;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Runs a built <c>aos.dll up</c> as its own process, the way <c>AosUpProcess</c> does in the acceptance tests: no inherited AOS
/// settings, the given environment, a fixed loopback URL; can <c>kill -9</c> it, and always kills it when disposed. Remembers which
/// agents woke in it (AgentGrain logs "Agent {id} woke" at Debug) and the last lines of its output for failure messages.
/// </summary>
internal sealed class AosNodeProcess : IAsyncDisposable
{
    private const int TailLines = 200;
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly HashSet<string> _woke = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly string _dataDirectory;

    private AosNodeProcess(Process process, Uri url, string dataDirectory)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Url = url;
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Url { get; }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    /// <summary>Starts <c>dotnet aos.dll up</c> and returns once <c>/readyz</c> answers 200.</summary>
    public static async Task<AosNodeProcess> StartAsync(string aosDll, string dataDirectory, int httpPort, IReadOnlyDictionary<string, string> environment)
    {
        var url = new Uri($"http://127.0.0.1:{httpPort}");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { aosDll, "up", "--data", dataDirectory, "--urls", url.ToString().TrimEnd('/') })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("AOS", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var node = new AosNodeProcess(process, url, dataDirectory);
        process.OutputDataReceived += (_, e) => node.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => node.OnOutput(e.Data is null ? null : "stderr: " + e.Data, closes: false);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitUntilReadyAsync();
        }
        catch (Exception e)
        {
            await node.DisposeAsync();
            throw new InvalidOperationException($"aos up at {url} did not start: {e.Message}\n{node.Tail()}", e);
        }

        return node;
    }

    /// <summary>Tells whether the agent woke in this process.</summary>
    public bool Woke(string agent)
    {
        lock (_tail)
        {
            return _woke.Contains(agent);
        }
    }

    /// <summary>Kills the process with SIGKILL, the <c>kill -9</c> case: nothing gets to flush or stop.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>Gets the last lines of output, for failure messages.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        await _up.Task.WaitAsync(StartLimit);
        for (var attempt = 1; attempt <= 200; attempt++)
        {
            try
            {
                using var response = await Http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    // Every route but the health probes needs a key: the node's admin key, written before it took requests.
                    var key = (await File.ReadAllTextAsync(Aos.Security.ApiKeys.AdminKeyFile.PathIn(_dataDirectory))).Trim();
                    Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException("aos up printed that it is up but /readyz never answered 200.");
    }

    private void OnOutput(string? line, bool closes = true)
    {
        if (line is null)
        {
            if (closes)
            {
                _up.TrySetException(new InvalidOperationException("aos up closed its output before it was up."));
            }

            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }

            // "Agent {id} woke ({type})."
            var at = line.IndexOf("Agent ", StringComparison.Ordinal);
            var end = at < 0 ? -1 : line.IndexOf(" woke (", at, StringComparison.Ordinal);
            if (end > 0)
            {
                _woke.Add(line[(at + 6)..end]);
            }
        }

        if (line.StartsWith("AOS is up.", StringComparison.Ordinal))
        {
            _up.TrySetResult();
        }
    }
}
