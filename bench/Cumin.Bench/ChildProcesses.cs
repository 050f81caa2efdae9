using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cumin.Bench;

/// <summary>What the benchmarks that start programs of their own need: free ports, the repository, child processes.</summary>
internal static class ChildProcesses
{
    /// <summary>Peak resident set size of a child process (Linux VmHWM), in bytes.</summary>
    public static long PeakRss(Process process) => StatusBytes(process.Id, "VmHWM:");

    /// <summary>
    /// A memory field of /proc/PID/status (VmRSS:, VmHWM:, RssAnon:, given in kB), in bytes; 0 when the field or the
    /// process is gone (one that ended between a listing and the read).
    /// </summary>
    public static long StatusBytes(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Waits until process <paramref name="pid"/> has ended: gone from /proc, or a zombie (state Z) not yet reaped, whose
    /// files and sockets the kernel has already closed. A process SIGKILLed takes tens of milliseconds to get there.
    /// </summary>
    public static async Task WaitGoneAsync(int pid, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            try
            {
                var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
                // "PID (comm) STATE ...": the name may hold spaces, the state follows its last parenthesis.
                if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    return;
                }
            }
            catch (IOException)
            {
                return;
            }

            await Task.Delay(2);
        }

        throw new TimeoutException($"process {pid} still runs {timeout.TotalSeconds:F0} s after it was killed");
    }

    /// <summary>The machine's 1, 5 and 15 minute load averages, for a benchmark to print beside its figures.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static Process Start(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> settings, Action<string>? onLine = null)
    {
        var dll = program.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(dll ? "dotnet" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (dll)
        {
            info.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                onLine?.Invoke(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine($"[{Path.GetFileNameWithoutExtension(program)}] {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cumin.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Cumin.sln not found above " + AppContext.BaseDirectory);
    }
}
