using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Cumin.Lambdas.Tests.TestSupport;

/// <summary>One call a function made through an AWS SDK client interface, with its request object.</summary>
internal sealed record RecordedCall(string Client, string Method, object? Request);

/// <summary>An AWS SDK client interface that passes every call to a real client and records it.</summary>
#pragma warning disable CA1852 // DispatchProxy derives its proxy type from this class: it cannot be sealed.
internal class RecordingClient<T> : DispatchProxy
#pragma warning restore CA1852
    where T : class
{
    private T _target = null!;
    private ConcurrentQueue<RecordedCall> _calls = null!;

    public static T Wrap(T target, ConcurrentQueue<RecordedCall> calls)
    {
        var proxy = Create<T, RecordingClient<T>>();
        var recorder = (RecordingClient<T>)(object)proxy;
        recorder._target = target;
        recorder._calls = calls;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        _calls.Enqueue(new RecordedCall(typeof(T).Name, targetMethod.Name, args is { Length: > 0 } ? args[0] : null));
        try
        {
            return targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
