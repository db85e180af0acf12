namespace Aos.Security.ApiKeys;

/// <summary>Keeps the data directory's admin API key in <c>credentials/admin.key</c>, readable by its owner only.</summary>
/// <remarks>
/// A node creates the key at its first start, so that AOS is never open: the operator (and the <c>aos</c> CLI on the same machine)
/// reads the file. The key holds the <see cref="AosRoles.Superuser"/> role in the <see cref="AosTenants.Default"/> tenant. When the file is
/// missing, or holds a key that no longer authenticates (revoked, or a data directory restored elsewhere), a new key replaces it.
/// </remarks>
public static class AdminKeyFile
{
    /// <summary>Gets the file's path relative to the data directory.</summary>
    public static readonly string RelativePath = Path.Combine("credentials", "admin.key");

    /// <summary>Gets the file's path in a data directory.</summary>
    /// <param name="dataDirectory">The data directory.</param>
    /// <returns>The full path.</returns>
    public static string PathIn(string dataDirectory) => Path.GetFullPath(Path.Combine(dataDirectory, RelativePath));

    /// <summary>Makes sure the data directory holds a working admin key, creating one when it does not.</summary>
    /// <param name="keys">The key service.</param>
    /// <param name="dataDirectory">The data directory.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The file's path, and whether a new key was written to it.</returns>
    public static async ValueTask<(string Path, bool Created)> EnsureAsync(ApiKeyService keys, string dataDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var path = PathIn(dataDirectory);
        if (File.Exists(path) && await keys.AuthenticateAsync((await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim(), cancellationToken).ConfigureAwait(false) is not null)
        {
            return (path, false);
        }

        var created = await keys.CreateAsync(
            new ApiKeyRequest { Name = "admin key of the data directory", Tenant = AosTenants.Default, Roles = [AosRoles.Superuser] },
            cancellationToken).ConfigureAwait(false);
        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UserWriteExecute);
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UserWriteExecute);
        }

        // Written beside and moved over, so a reader never sees half a key; created 0600, so it is never readable by others.
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteLineAsync(created.Secret.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
        return (path, true);
    }

    private const UnixFileMode UserWriteExecute = UnixFileMode.UserWrite | UnixFileMode.UserExecute;
}
