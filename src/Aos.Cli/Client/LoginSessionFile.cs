namespace Aos.Cli.Client;

/// <summary>Keeps the <c>aos login</c> session in <c>.aos/credentials/session.json</c> under the working directory, readable by its owner only.</summary>
internal static class LoginSessionFile
{
    /// <summary>Gets the file's path relative to the working directory.</summary>
    public static readonly string RelativePath = Path.Combine(".aos", "credentials", "session.json");

    /// <summary>Gets the file's full path.</summary>
    public static string FullPath => Path.GetFullPath(RelativePath);

    /// <summary>Reads the session; none when there is no file or it cannot be read as one.</summary>
    public static LoginSession? Read() => File.Exists(FullPath) ? LoginSession.FromJson(File.ReadAllText(FullPath)) : null;

    /// <summary>Writes the session: beside the file and moved over it, created 0600, so it is never half written nor readable by others.</summary>
    public static void Write(LoginSession session)
    {
        var path = FullPath;
        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(session.ToJson());
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Deletes the file.</summary>
    /// <returns><see langword="true"/> when there was one.</returns>
    public static bool Delete()
    {
        var exists = File.Exists(FullPath);
        File.Delete(FullPath);
        return exists;
    }
}
