namespace Aos.Reliability;

/// <summary>Sorts a failure of an outbound call by whether another attempt may succeed.</summary>
public enum ErrorClass
{
    /// <summary>A fault that may pass (a timeout, a refused or dropped connection, a busy server): retried, and counted by the circuit breaker.</summary>
    Transient = 0,

    /// <summary>A fault another attempt would repeat (a bug, a missing permission, a conflict): never retried.</summary>
    Permanent = 1,

    /// <summary>Input the dependency refuses: never retried; the caller must change it.</summary>
    Validation = 2,
}
