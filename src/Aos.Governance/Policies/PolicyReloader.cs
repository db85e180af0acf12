using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aos.Governance.Policies;

/// <summary>Installs the stored policies, with those of the optional policy directory, into the <see cref="PolicyEngine"/> at start and whenever they change.</summary>
/// <remarks>
/// <para>
/// A write through <see cref="PutAsync"/> or <see cref="DeleteAsync"/> installs the new set on this node at once; other nodes, which share the
/// governance store, install it at their next periodic read (<see cref="PolicyReloadOptions.RefreshInterval"/>, driven by the
/// <see cref="TimeProvider"/>). A read that finds nothing changed (same policy versions, same files) installs nothing.
/// </para>
/// <para>
/// A policy is validated, together with every other policy that would be installed beside it, before it is stored: a policy that is not
/// valid, or whose name a file of the directory already uses, is refused and nothing changes. When a reload finds the set not valid
/// (a directory file was edited badly) the engine keeps the policies it had, and the reason is logged and kept in <see cref="LastError"/>.
/// Reloads and writes are serialized. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class PolicyReloader : IHostedService, IDisposable
{
    private readonly PolicyEngine _engine;
    private readonly PolicyStore _store;
    private readonly PolicyReloadOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PolicyReloader> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ITimer? _timer;
    private string? _fingerprint;

    /// <summary>Initializes a new instance of the <see cref="PolicyReloader"/> class.</summary>
    /// <param name="engine">The engine the policies are installed in.</param>
    /// <param name="store">The stored policies.</param>
    /// <param name="options">The options; validated at start.</param>
    /// <param name="timeProvider">The clock of the periodic reads and of the policies' update times.</param>
    /// <param name="logger">The logger.</param>
    public PolicyReloader(PolicyEngine engine, PolicyStore store, IOptions<PolicyReloadOptions> options, TimeProvider timeProvider, ILogger<PolicyReloader> logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _engine = engine;
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Gets why the last reload was refused, or <see langword="null"/> when it succeeded.</summary>
    public string? LastError { get; private set; }

    /// <summary>Raised after each periodic read, with whether the set read is installed (tests wait on it instead of sleeping).</summary>
    internal event Action<bool>? PeriodicReloadCompleted;

    /// <summary>Validates the options, installs the policies and starts the periodic read.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the first set is installed (or refused).</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _options.Validate();
        await ReloadAsync(cancellationToken).ConfigureAwait(false);
        _timer ??= _timeProvider.CreateTimer(_ => _ = TickAsync(), null, _options.RefreshInterval, _options.RefreshInterval);
    }

    /// <summary>Stops the periodic read.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A completed task.</returns>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _timer = null;
        return Task.CompletedTask;
    }

    /// <summary>Reads the stored policies and the directory, and installs them as one set when they changed since the last read.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when the set read is installed; <see langword="false"/> when it was refused (see <see cref="LastError"/>).</returns>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReloadCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Validates a policy with the set it joins, stores it, and installs the new set on this node at once.</summary>
    /// <param name="name">The policy's name; the text must name the same policy.</param>
    /// <param name="format"><c>json</c> or <c>yaml</c>.</param>
    /// <param name="text">The policy's source text.</param>
    /// <param name="updatedBy">Who writes it.</param>
    /// <param name="ifMatch">The ETag the stored policy must still have; <see langword="null"/> for whatever is stored.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The policy as stored.</returns>
    /// <exception cref="AosValidationException">The policy is not valid (the message names the line, column and reason), its name differs from
    /// <paramref name="name"/>, or a file of the policy directory defines it; nothing changed.</exception>
    /// <exception cref="Storage.StorageConflictException"><paramref name="ifMatch"/> is given and the policy changed; nothing changed.</exception>
    public async Task<StoredPolicy> PutAsync(string name, string format, string text, string updatedBy, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(updatedBy);
        PolicyStore.ValidateName(name);
        var normalized = PolicyLoader.FormatOf("policy." + format.Trim()) ?? throw new AosValidationException($"'{format}' is not a policy format: use json or yaml.") { Field = "format" };
        var document = PolicyLoader.Parse(text, normalized, $"policy '{name}'");
        if (!string.Equals(document.Name, name, StringComparison.Ordinal))
        {
            throw new AosValidationException($"The policy text names the policy '{document.Name}', but it is put as '{name}': make the two names the same.") { Field = "name" };
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var files = await LoadFilesAsync(DirectoryFiles(), cancellationToken).ConfigureAwait(false);
            if (files.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal)) is { } file)
            {
                throw new AosValidationException($"The policy '{name}' is defined by the file '{file.Source}' of the policy directory: give the stored policy another name.") { Field = "name" };
            }

            var others = new List<PolicyDocument>();
            await foreach (var stored in _store.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!string.Equals(stored.Name, name, StringComparison.Ordinal))
                {
                    others.Add(Parse(stored));
                }
            }

            // The whole set that would be installed is compiled first, so that a policy the engine would refuse is never stored.
            CompiledPolicySet.Compile([.. others, .. files, document]);
            var written = await _store.PutAsync(name, normalized, text, _timeProvider.GetUtcNow(), updatedBy, ifMatch, cancellationToken).ConfigureAwait(false);
            _fingerprint = null;
            await ReloadCoreAsync(cancellationToken).ConfigureAwait(false);
            return written;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes a stored policy and installs the remaining set on this node at once.</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when a policy was deleted; <see langword="false"/> when none had that name.</returns>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await _store.DeleteAsync(name, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            _fingerprint = null;
            await ReloadCoreAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the periodic read.</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private async Task TickAsync()
    {
        var installed = false;
        try
        {
            installed = await ReloadAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The store may be unreachable for a while: the installed set stays, and the next tick tries again.
            Log.ReadFailed(_logger, e);
        }

        PeriodicReloadCompleted?.Invoke(installed);
    }

    private async Task<bool> ReloadCoreAsync(CancellationToken cancellationToken)
    {
        var stored = new List<StoredPolicy>();
        await foreach (var policy in _store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            stored.Add(policy);
        }

        var files = DirectoryFiles();
        var fingerprint = string.Join('\n', stored.Select(p => p.Name + "\t" + p.ETag).Concat(files.Select(f => $"{f.FullName}\t{f.LastWriteTimeUtc.Ticks}\t{f.Length}")));
        if (string.Equals(fingerprint, _fingerprint, StringComparison.Ordinal))
        {
            return LastError is null;
        }

        try
        {
            var policies = stored.Select(Parse).Concat(await LoadFilesAsync(files, cancellationToken).ConfigureAwait(false)).ToList();
            _engine.Install(policies);
            LastError = null;
            Log.Installed(_logger, policies.Count, stored.Count);
            return true;
        }
        catch (Exception e) when (e is AosValidationException or IOException or UnauthorizedAccessException)
        {
            LastError = e.Message;
            Log.Refused(_logger, e.Message);
            return false;
        }
        finally
        {
            _fingerprint = fingerprint;
        }
    }

    private static PolicyDocument Parse(StoredPolicy policy) => PolicyLoader.Parse(policy.Text, policy.Format, $"stored policy '{policy.Name}'");

    private List<FileInfo> DirectoryFiles() => _options.Directory is { Length: > 0 } directory
        ? [.. new DirectoryInfo(directory).EnumerateFiles().Where(f => PolicyLoader.FormatOf(f.Name) is not null).OrderBy(f => f.Name, StringComparer.Ordinal)]
        : [];

    private static async Task<List<PolicyDocument>> LoadFilesAsync(List<FileInfo> files, CancellationToken cancellationToken)
    {
        var policies = new List<PolicyDocument>(files.Count);
        foreach (var file in files)
        {
            policies.Add(await PolicyLoader.LoadAsync(file.FullName, cancellationToken).ConfigureAwait(false));
        }

        return policies;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Installed {Count} policies ({Stored} stored, the rest from the policy directory).")]
        public static partial void Installed(ILogger logger, int count, int stored);

        [LoggerMessage(2, LogLevel.Warning, "Refused the policies read; the previous policies stay installed: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Could not read the stored policies; the installed policies stay in force and the next read tries again.")]
        public static partial void ReadFailed(ILogger logger, Exception exception);
    }
}
