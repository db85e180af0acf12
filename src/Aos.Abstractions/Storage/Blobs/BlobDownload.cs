namespace Aos.Storage;

/// <summary>Holds an object opened for reading: its properties and a stream of its content.</summary>
/// <remarks>The stream reads the version of the object described by <see cref="Properties"/>, even if it is replaced meanwhile.</remarks>
public sealed class BlobDownload : IAsyncDisposable, IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="BlobDownload"/> class.</summary>
    /// <param name="properties">The object's properties.</param>
    /// <param name="content">The content stream, owned by the download.</param>
    public BlobDownload(BlobItem properties, Stream content)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(content);
        Properties = properties;
        Content = content;
    }

    /// <summary>Gets the object's properties.</summary>
    public BlobItem Properties { get; }

    /// <summary>Gets the content stream.</summary>
    public Stream Content { get; }

    /// <summary>Closes the content stream.</summary>
    public void Dispose() => Content.Dispose();

    /// <summary>Closes the content stream.</summary>
    /// <returns>A task that completes when the stream is closed.</returns>
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
