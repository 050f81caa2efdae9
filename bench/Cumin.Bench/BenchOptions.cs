using System.Globalization;

namespace Cumin.Bench;

/// <summary>Command-line settings shared by the benchmarks: operations per round and kind, workers, rounds, warm-up operations.</summary>
public sealed record BenchOptions(int Ops, int Concurrency, int Rounds, int Warmup)
{
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        // Many short rounds, alternating sides, average out a busy machine's swings better than a few long ones.
        var options = new BenchOptions(Ops: 500, Concurrency: 16, Rounds: 10, Warmup: 500);
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--ops" => options with { Ops = Positive(args[i], value) },
                "--concurrency" => options with { Concurrency = Positive(args[i], value) },
                "--rounds" => options with { Rounds = Positive(args[i], value) },
                "--warmup" => options with { Warmup = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
            i++;
        }

        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} needs a positive number, not '{value}'.");
}
