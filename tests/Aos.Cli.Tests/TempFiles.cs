namespace Aos.Cli.Tests;

/// <summary>Writes files into a temporary directory that is deleted with the instance.</summary>
internal sealed class TempFiles : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-cli-test-" + Guid.NewGuid().ToString("N"));

    public TempFiles() => Directory.CreateDirectory(_directory);

    public FileInfo Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return new FileInfo(path);
    }

    public FileInfo Missing(string name) => new(Path.Combine(_directory, name));

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
