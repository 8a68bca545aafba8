# Compiled from templates/client/README.client.md.jinja by `python -m generator.precompile`. Do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'client/README.client.md.jinja'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_names = resolve('names')
    l_0_guarded = resolve('guarded')
    l_0_ops = resolve('ops')
    l_0_flows = resolve('flows')
    l_0_journey = resolve('journey')
    l_0_example = resolve('example')
    try:
        t_1 = environment.filters['markdown']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'markdown' found.")
    pass
    yield '## Client\n\n`'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
    yield '.'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'pascal'))
    yield 'Client` (blocking) and `'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'module'))
    yield '.'
    yield str(environment.getattr((undefined(name='names') if l_0_names is missing else l_0_names), 'async_client'))
    yield '`\n(asyncio) share everything but the I/O. Both are context managers and take `base_url`, default\n`headers`, `timeout` (httpx, per read), `deadline` (the overall budget of each call, retries included, and of each `run_...()` — every request, retry and poll of the run — unless its `timeout=` gives another), `retry`, an injected\n`http_client` or httpx `transport`'
    if (undefined(name='guarded') if l_0_guarded is missing else l_0_guarded):
        pass
        yield ', and `webhook_secret` (sent only on the steps the journey guards, only to `base_url`)'
    yield '.\n\n| method | what | returns |\n| --- | --- | --- |\n'
    for l_1_op in (undefined(name='ops') if l_0_ops is missing else l_0_ops):
        _loop_vars = {}
        pass
        yield '| `'
        yield str(environment.getattr(l_1_op, 'name'))
        yield '()` | `'
        yield str(environment.getattr(environment.getattr(l_1_op, 'op'), 'http_method'))
        yield ' '
        yield str(t_1(environment.getattr(environment.getattr(l_1_op, 'op'), 'server_path')))
        yield '` | `'
        yield str(t_1(environment.getattr(l_1_op, 'returns')))
        yield '` |\n'
    l_1_op = missing
    for l_1_flow in (undefined(name='flows') if l_0_flows is missing else l_0_flows):
        _loop_vars = {}
        pass
        yield '| `'
        yield str(environment.getattr(l_1_flow, 'method_name'))
        yield '()` | Arazzo workflow `'
        yield str(t_1(environment.getattr(l_1_flow, 'workflow_id')))
        yield '` | `'
        yield str(environment.getattr(l_1_flow, 'outputs_model'))
        yield '` |\n'
    l_1_flow = missing
    if (undefined(name='journey') if l_0_journey is missing else l_0_journey):
        pass
        yield '| `'
        yield str(environment.getattr((undefined(name='journey') if l_0_journey is missing else l_0_journey), 'method_name'))
        yield '()` | the whole journey: start, post each given input whenever its state waits (inside parallel branches too), poll, read the outcome | `'
        yield str(environment.getattr((undefined(name='journey') if l_0_journey is missing else l_0_journey), 'outcome'))
        yield '` |\n'
    yield '\n`client.with_raw_response.<method>(...)` answers the whole response instead (status, headers,\ndata and the typed value).\n'
    if (undefined(name='journey') if l_0_journey is missing else l_0_journey):
        pass
        def t_2(fiter):
            for l_1_e in fiter:
                if (not environment.getattr(l_1_e, 'op')):
                    yield l_1_e
        for l_1_e in t_2(environment.getattr((undefined(name='journey') if l_0_journey is missing else l_0_journey), 'external')):
            _loop_vars = {}
            pass
            yield '\nState `'
            yield str(environment.getattr(l_1_e, 'state'))
            yield '` has no step endpoint in the OpenAPI document, so no method of its own:\n`'
            yield str(environment.getattr((undefined(name='journey') if l_0_journey is missing else l_0_journey), 'method_name'))
            yield '(..., '
            yield str(environment.getattr(l_1_e, 'arg'))
            yield '=...)` posts that input to\n`POST '
            yield str(environment.getattr(l_1_e, 'served_path'))
            yield '`, where the generated server serves it'
            if environment.getattr(l_1_e, 'guard_header'):
                pass
                yield ', with\n`webhook_secret` as its `'
                yield str(environment.getattr(l_1_e, 'guard_header'))
                yield '` header'
            yield '. For a typed method, add the\noperation to the OpenAPI document (`journeygen export --stdout <journey>` prints the contract\nderived from the journey).\n'
        l_1_e = missing
    if (undefined(name='example') if l_0_example is missing else l_0_example):
        pass
        if environment.getattr((undefined(name='example') if l_0_example is missing else l_0_example), 'caveat'):
            pass
            yield '\n'
            yield str(environment.getattr((undefined(name='example') if l_0_example is missing else l_0_example), 'caveat'))
            yield '\n'
        yield '\n'
        yield str(environment.getattr((undefined(name='example') if l_0_example is missing else l_0_example), 'intro'))
        yield '\n\n```python\n'
        yield str(environment.getattr((undefined(name='example') if l_0_example is missing else l_0_example), 'sync'))
        yield '```\n\nThe same with the asyncio client:\n\n```python\n'
        yield str(environment.getattr((undefined(name='example') if l_0_example is missing else l_0_example), 'asynchronous'))
        yield '```\n'

blocks = {}
debug_info = '4=24&7=32&11=36&12=40&14=49&15=53&17=60&18=63&23=68&24=70&26=78&27=80&28=84&29=89&34=93&35=95&37=98&40=101&43=103&48=105'
