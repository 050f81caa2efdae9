using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Cumin.Grains;
using Cumin.Grains.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cumin.Bench;

/// <summary>
/// `login`: what a login costs since passwords went from 100,000 to 210,000 PBKDF2-HMAC-SHA512 iterations (issue 12,
/// finding 12). The password check alone at both counts, alternating, on one core; and whole logins through the running
/// API (CUMIN_API_URL), one at a time, which is what a user waits for.
/// </summary>
internal static class LoginBenchmark
{
    private const string Password = "correct horse battery";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var rounds = args.Count >= 2 && args[0] == "--rounds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
        var before = Hasher(100_000);
        var after = Hasher(CuminGrainsServiceCollectionExtensions.PasswordHashIterations);
        var hashBefore = before.HashPassword(new UserState(), Password);
        var hashAfter = after.HashPassword(new UserState(), Password);
        var timesBefore = new List<double>();
        var timesAfter = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            timesBefore.Add(Time(() => before.VerifyHashedPassword(new UserState(), hashBefore, Password)));
            timesAfter.Add(Time(() => after.VerifyHashedPassword(new UserState(), hashAfter, Password)));
        }

        Console.WriteLine($"login: password check, median of {rounds}: 100,000 iterations {Median(timesBefore):F1} ms, 210,000 iterations {Median(timesAfter):F1} ms ({Median(timesAfter) / Median(timesBefore):F2}x)");
        Console.WriteLine($"login: an account still hashed at 100,000 pays once for the check and the rehash: about {Median(timesBefore) + Median(timesAfter):F1} ms");

        var api = Environment.GetEnvironmentVariable("CUMIN_API_URL");
        if (api is null)
        {
            return 0;
        }

        using var http = new HttpClient { BaseAddress = new Uri(api) };
        var email = $"bench-login-{Guid.NewGuid():N}@example.com";
        (await http.PostAsJsonAsync("/auth/register", new { name = "Bench", email, password = Password })).EnsureSuccessStatusCode();
        var logins = new List<double>();
        for (var i = 0; i < rounds + 3; i++)
        {
            var started = Stopwatch.GetTimestamp();
            (await http.PostAsJsonAsync("/auth/login", new { email, password = Password })).EnsureSuccessStatusCode();
            if (i >= 3)
            {
                logins.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        Console.WriteLine($"login: POST /auth/login through the API at 210,000 iterations, median of {rounds}: {Median(logins):F1} ms (p90 {Percentile(logins, 0.9):F1} ms); "
            + $"at 100,000 it would be about {Median(logins) - Median(timesAfter) + Median(timesBefore):F1} ms");
        return 0;
    }

    private static PasswordHasher<UserState> Hasher(int iterations) =>
        new(Options.Create(new PasswordHasherOptions { IterationCount = iterations }));

    private static double Time(Action action)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(p * sorted.Count))];
    }
}
