"""The generated clients' runtime: transport, deadlines, retries, polling, errors, the Arazzo
expression, criterion and JSONPath evaluators, and the client engine (`flow`)."""
