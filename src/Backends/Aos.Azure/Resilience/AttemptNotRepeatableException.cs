namespace Aos.Azure.Resilience;

/// <summary>Reports that an attempt failed transiently but cannot be tried again, because it consumed input it cannot read again (an upload stream that cannot seek).</summary>
/// <remarks>Classified <see cref="Aos.Reliability.ErrorClass.Permanent"/>, so the retry stops; the store turns it into <see cref="Aos.Storage.StorageUnavailableException"/> with the original failure.</remarks>
internal sealed class AttemptNotRepeatableException : Exception
{
    public AttemptNotRepeatableException() { }

    public AttemptNotRepeatableException(string message) : base(message) { }

    public AttemptNotRepeatableException(string message, Exception? innerException) : base(message, innerException) { }
}
