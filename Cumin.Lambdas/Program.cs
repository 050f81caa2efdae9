Console.WriteLine("Cumin local event-source runner");
