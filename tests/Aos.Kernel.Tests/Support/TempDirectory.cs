using Aos.Testing;

namespace Aos.Kernel.Tests.Support;

/// <summary>A temporary data directory that is deleted with everything in it when disposed.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = AosTestHost.CreateTempDirectory();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
