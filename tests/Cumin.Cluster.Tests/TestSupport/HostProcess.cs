using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Cumin.Cluster.Tests.TestSupport;

/// <summary>
/// One of Cumin's programs as its own process (<c>dotnet Cumin.Silo.dll --urls …</c>), configured through environment
/// variables the way containers are. It can be killed (SIGKILL: no shutdown at all) or terminated (SIGTERM: the
/// graceful stop ECS and Docker ask for). Output goes to a log file kept for diagnosis.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly Process _process;
    private readonly StreamWriter _log;

    private HostProcess(string name, Process process, StreamWriter log, Uri url)
    {
        Name = name;
        _process = process;
        _log = log;
        Url = url;
    }

    public string Name { get; }

    public Uri Url { get; }

    public int Id => _process.Id;

    public string LogPath => ((FileStream)_log.BaseStream).Name;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static HostProcess Start(string name, string project, int httpPort, IReadOnlyDictionary<string, string?> environment)
    {
        var url = new Uri($"http://127.0.0.1:{httpPort}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Repository.Program(project), "--urls", url.ToString().TrimEnd('/') },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Repository.Program(project))!,
        };
        // Workstation GC: several hosts share two cores in these tests.
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var logDirectory = Path.Combine(Path.GetTempPath(), "cumin-cluster-tests");
        Directory.CreateDirectory(logDirectory);
        var log = new StreamWriter(Path.Combine(logDirectory, $"{name}-{Guid.NewGuid():N}.log"), append: false, Encoding.UTF8) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(name, process, log, url);
    }

    /// <summary>Waits until <c>path</c> answers 200 (the process is up), failing early if the process exits.</summary>
    public async Task WaitUntilHealthyAsync(string path, TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} while starting; see {LogPath}:\n{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Url, path));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Name} did not answer {path} within {within}; see {LogPath}:\n{Tail()}");
    }

    /// <summary>SIGKILL: the process ends at once, without any shutdown.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM: what `docker stop` and ECS send first; the host runs its graceful shutdown.</summary>
    public void Terminate() => Signal(SigTerm);

    /// <summary>SIGSTOP: the process freezes (calls to it hang) until <see cref="Resume"/>.</summary>
    public void Pause() => Signal(SigStop);

    public void Resume() => Signal(SigCont);

    private void Signal(int signal)
    {
        if (SendSignal(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public string Tail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
