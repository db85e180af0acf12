using Microsoft.Extensions.Logging;

namespace Aos.Governance.Policies;

/// <summary>Loads the policies of a directory (<c>*.json</c>, <c>*.yaml</c>, <c>*.yml</c>) into a <see cref="PolicyEngine"/> and reloads them when they change.</summary>
/// <remarks>
/// A reload validates every file before anything is installed, then swaps the whole set at once. When a file is not valid the engine
/// keeps the policies it had, the error is logged and kept in <see cref="LastError"/> until a reload succeeds. Reloads are serialized;
/// the file system watcher started by <see cref="Start"/> only triggers <see cref="ReloadAsync"/>, which can also be called directly.
/// </remarks>
public sealed partial class PolicyDirectoryWatcher : IDisposable
{
    private readonly PolicyEngine _engine;
    private readonly ILogger<PolicyDirectoryWatcher> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FileSystemWatcher? _watcher;

    /// <summary>Initializes a new instance of the <see cref="PolicyDirectoryWatcher"/> class.</summary>
    /// <param name="engine">The engine the policies are installed in.</param>
    /// <param name="directory">The directory of policy files.</param>
    /// <param name="logger">The logger.</param>
    public PolicyDirectoryWatcher(PolicyEngine engine, string directory, ILogger<PolicyDirectoryWatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(logger);
        _engine = engine;
        Directory = directory;
        _logger = logger;
    }

    /// <summary>Gets the directory of policy files.</summary>
    public string Directory { get; }

    /// <summary>Gets why the last reload was refused, or <see langword="null"/> when it succeeded.</summary>
    public string? LastError { get; private set; }

    /// <summary>Loads and validates every policy file of the directory and installs them as one set, or keeps the installed set on error.</summary>
    /// <param name="cancellationToken">A token to cancel the reload.</param>
    /// <returns><see langword="true"/> when the policies were installed; <see langword="false"/> when they were refused (see <see cref="LastError"/>).</returns>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var files = System.IO.Directory.EnumerateFiles(Directory)
                .Where(f => PolicyLoader.FormatOf(f) is not null)
                .Order(StringComparer.Ordinal)
                .ToArray();
            var policies = new List<PolicyDocument>(files.Length);
            foreach (var file in files)
            {
                policies.Add(await PolicyLoader.LoadAsync(file, cancellationToken));
            }

            _engine.Install(policies);
            LastError = null;
            Log.Reloaded(_logger, policies.Count, Directory);
            return true;
        }
        catch (Exception e) when (e is AosValidationException or IOException or UnauthorizedAccessException)
        {
            LastError = e.Message;
            Log.Refused(_logger, Directory, e.Message);
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts watching the directory: every change to a policy file triggers <see cref="ReloadAsync"/>.</summary>
    public void Start()
    {
        if (_watcher is not null)
        {
            return;
        }

        _watcher = new FileSystemWatcher(Directory) { IncludeSubdirectories = false, EnableRaisingEvents = false };
        _watcher.Changed += OnChanged;
        _watcher.Created += OnChanged;
        _watcher.Deleted += OnChanged;
        _watcher.Renamed += OnChanged;
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Stops watching the directory.</summary>
    public void Dispose()
    {
        _watcher?.Dispose();
        _watcher = null;
        _gate.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        if (PolicyLoader.FormatOf(e.FullPath) is not null)
        {
            _ = ReloadOnChangeAsync();
        }
    }

    // Nothing awaits a watcher event: a refused reload is recorded in LastError by ReloadAsync, and an event that arrives after
    // Dispose has nothing left to reload.
    private async Task ReloadOnChangeAsync()
    {
        try
        {
            await ReloadAsync();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Installed {Count} policies from {Directory}.")]
        public static partial void Reloaded(ILogger logger, int count, string directory);

        [LoggerMessage(2, LogLevel.Warning, "Refused the policies of {Directory}; the previous policies stay installed: {Reason}")]
        public static partial void Refused(ILogger logger, string directory, string reason);
    }
}
