namespace Aos.Reliability;

/// <summary>Classifies the failures of outbound calls, so that only transient ones are retried and counted by circuit breakers.</summary>
/// <remarks>
/// Classifiers compose: every registered classifier is asked, the most recently registered first, and the first answer wins; the
/// default classifier answers last. A backend adds its own (<c>services.AddSingleton&lt;IErrorClassifier, MyClassifier&gt;()</c>) for the
/// errors only it knows. Implementations are thread-safe and do no I/O.
/// </remarks>
public interface IErrorClassifier
{
    /// <summary>Classifies a failure.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="dependency">The dependency whose call failed.</param>
    /// <returns>The class; <see langword="null"/> when this classifier does not know the error.</returns>
    ErrorClass? Classify(Exception exception, string dependency);

    /// <summary>Gets how long the dependency asked the caller to wait before trying again (a 429's or 503's retry-after), when the failure says.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="dependency">The dependency whose call failed.</param>
    /// <returns>The wait; <see langword="null"/> when the failure names none or this classifier does not know it. The default returns <see langword="null"/>.</returns>
    /// <remarks>The retry of a transient failure that names a wait longer than its backoff delay waits that long instead, up to the retry's <c>MaxDelay</c>.</remarks>
    TimeSpan? GetRetryAfter(Exception exception, string dependency) => null;
}
