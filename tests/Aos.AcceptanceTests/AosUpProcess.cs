using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Aos.Security.ApiKeys;

namespace Aos.AcceptanceTests;

/// <summary>
/// Runs the real <c>aos up</c> as its own process on a data directory and a free loopback port; can kill it
/// (<c>kill -9</c>) or stop it (<c>SIGTERM</c>), and always kills it when disposed.
/// </summary>
public sealed class AosUpProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan OutputLimit = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Text, TaskCompletionSource<string> Seen)> _awaited = [];

    private AosUpProcess(Process process, Uri url, string dataDirectory)
    {
        _process = process;
        Url = url;
        DataDirectory = dataDirectory;
        Http = new HttpClient { BaseAddress = url };
    }

    /// <summary>Gets the base URL of the HTTP API.</summary>
    public Uri Url { get; }

    /// <summary>Gets the data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>Gets a client for the HTTP API; it presents the node's admin key.</summary>
    public HttpClient Http { get; }

    /// <summary>Gets the node's admin key, read from its data directory once it is ready.</summary>
    public string ApiKey { get; private set; } = string.Empty;

    /// <summary>Gets the admin key of every node started, by URL, for <see cref="AosCli"/> runs against them.</summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>aos up</c> and returns once <c>/readyz</c> answers 200.</summary>
    /// <param name="dataDirectory">The data directory; start again on the same one to restart.</param>
    /// <param name="environment">Extra environment variables, for instance the chat model.</param>
    public static async Task<AosUpProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        // A free port can be taken between finding it and binding it; only that case is worth another try.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortAsync(dataDirectory, environment);
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<AosUpProcess> StartOnFreePortAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        var url = new Uri($"http://127.0.0.1:{DotNet.FreePort().ToString(CultureInfo.InvariantCulture)}");
        var info = DotNet.StartInfo(DotNet.AosDll, ["up", "--data", dataDirectory, "--urls", url.ToString().TrimEnd('/')], dataDirectory, environment);
        var process = new Process { StartInfo = info };
        var aos = new AosUpProcess(process, url, dataDirectory);
        process.OutputDataReceived += (_, e) => aos.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => aos.OnError(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await aos.WaitUntilReadyAsync();
        }
        catch (Exception ex)
        {
            // Disposing waits for the process and the end of its output, so the message below has all of it.
            await aos.DisposeAsync();
            var message = $"aos up did not start: {ex.Message}\n{aos.Describe()}";
            throw aos.StandardError.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
                ? new PortTakenException(message, ex)
                : new InvalidOperationException(message, ex);
        }

        return aos;
    }

    /// <summary>Waits until a line of standard output contains <paramref name="text"/> (at once if one already did), for at most two minutes.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The line.</returns>
    /// <exception cref="TimeoutException">No such line came within two minutes; the message holds the output.</exception>
    public async Task<string> WaitForOutputAsync(string text)
    {
        try
        {
            return await OutputLineAsync(text).WaitAsync(OutputLimit, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No line with '{text}' within {OutputLimit}.\n{Describe()}");
        }
    }

    private Task<string> OutputLineAsync(string text)
    {
        lock (_stdout)
        {
            var seen = _stdout.ToString().Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (seen is not null)
            {
                return Task.FromResult(seen.TrimEnd('\r'));
            }

            var awaited = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _awaited.Add((text, awaited));
            return awaited.Task;
        }
    }

    /// <summary>Posts a JSON body (or none) and asserts the status; returns the JSON answer.</summary>
    /// <param name="path">The path.</param>
    /// <param name="body">The body, or <see langword="null"/> for none.</param>
    /// <param name="expected">The expected status.</param>
    /// <returns>The answer.</returns>
    public async Task<JsonNode> PostJsonAsync(string path, JsonObject? body, HttpStatusCode expected)
    {
        using var content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(path, content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Kills the process tree with SIGKILL, the <c>kill -9</c> case: nothing gets to flush or stop.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM and waits for the process to stop by itself.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, kill.ExitCode);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(StopLimit);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"aos up did not stop within {StopLimit} of SIGTERM.\n{Describe()}");
        }

        return _process.ExitCode;
    }

    /// <summary>Describes the process's output, for failure messages.</summary>
    public string Describe() => $"aos up at {Url} on {DataDirectory}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";

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
        // "AOS is up." is printed once the host has started; stdout closing first means the process died.
        try
        {
            await _up.Task.WaitAsync(StartLimit, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"aos up did not come up within {StartLimit}.");
        }

        // Bounded readiness poll: the host reports started before or as /readyz turns 200.
        for (var attempt = 1; attempt <= 100; attempt++)
        {
            try
            {
                using var response = await Http.GetAsync("/readyz", TestContext.Current.CancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    // The node wrote its admin key before it took requests; every other client of the tests presents it.
                    ApiKey = (await File.ReadAllTextAsync(AdminKeyFile.PathIn(DataDirectory), TestContext.Current.CancellationToken)).Trim();
                    Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
                    Keys[Url.ToString()] = ApiKey;
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("aos up printed that it is up but /readyz never answered 200.");
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            _up.TrySetException(new InvalidOperationException("aos up closed its output before it was up."));
            return;
        }

        lock (_stdout)
        {
            _stdout.AppendLine(line);
            foreach (var (text, seen) in _awaited.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                seen.TrySetResult(line);
                _awaited.Remove((text, seen));
            }
        }

        if (line.StartsWith("AOS is up.", StringComparison.Ordinal))
        {
            _up.TrySetResult();
        }
    }

    private void OnError(string? line)
    {
        if (line is not null)
        {
            lock (_stderr)
            {
                _stderr.AppendLine(line);
            }
        }
    }
}

/// <summary>Reports that <c>aos up</c> stopped because its port was taken before it could bind it.</summary>
internal sealed class PortTakenException(string message, Exception innerException) : Exception(message, innerException);
