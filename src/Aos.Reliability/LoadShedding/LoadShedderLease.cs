namespace Aos.Reliability;

/// <summary>Holds one admission of a <see cref="LoadShedder"/>; disposing it ends the work and frees its place.</summary>
/// <remarks>Disposing twice frees the place once. Thread-safe.</remarks>
public sealed class LoadShedderLease : IDisposable
{
    private LoadShedder? _shedder;

    internal LoadShedderLease(LoadShedder shedder) => _shedder = shedder;

    /// <summary>Ends the work and frees its place.</summary>
    public void Dispose() => Interlocked.Exchange(ref _shedder, null)?.Leave();
}
