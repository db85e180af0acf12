using System.Globalization;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>Summarises latency samples.</summary>
internal sealed class Percentiles
{
    private readonly double[] _sorted;

    public Percentiles(IEnumerable<double> samples)
    {
        _sorted = [.. samples.Order()];
        if (_sorted.Length == 0)
        {
            throw new ArgumentException("No samples.", nameof(samples));
        }
    }

    public int Count => _sorted.Length;

    public double Mean => _sorted.Average();

    public double Max => _sorted[^1];

    /// <summary>Gets the nearest-rank percentile.</summary>
    public double At(double percentile)
    {
        var rank = (int)Math.Ceiling(percentile / 100 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }

    public static string Ms(double value) => value.ToString(value < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
}
