# Compiled from templates/server/scaffold.py.jinja by `python -m generator.precompile`. Do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'server/scaffold.py.jinja'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_s = resolve('s')
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    try:
        t_2 = environment.filters['docstring']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'docstring' found.")
    try:
        t_3 = environment.filters['py']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'py' found.")
    try:
        t_4 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    yield '"""'
    yield str(t_2(str_join(('Handlers for the ', environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'journey'), (' API' if environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'api') else ' journey'), ': its outbound calls. This file is yours to edit.', ))))
    yield '\n\nWritten once by `journeygen scaffold`; regeneration never touches it. The server makes every\nhttpCall itself over HTTP (`'
    yield str(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'http_handlers'))
    yield '`); define its method here to make a call\nyourself. Serve with:\n\n    python -m '
    yield str(environment.getattr(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'names'), 'module'))
    yield '.server --handlers <this module>:create_handlers\n"""\n\nfrom __future__ import annotations\n\nfrom '
    yield str(environment.getattr(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'names'), 'module'))
    yield '.handlers import (\n'
    for l_1_name in environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'scaffold_imports'):
        _loop_vars = {}
        pass
        yield '    '
        yield str(l_1_name)
        yield ',\n'
    l_1_name = missing
    yield ')\n\n\nclass Handlers('
    yield str(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'http_handlers'))
    yield '):\n    """'
    yield str(t_2(str_join(('Implements ', environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'protocol'), '; every httpCall it does not define is made over HTTP.', ))))
    yield '"""\n'
    def t_5(fiter):
        for l_1_m in fiter:
            if t_4(environment.getattr(l_1_m, 'http')):
                yield l_1_m
    for l_1_m in t_5(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'methods')):
        _loop_vars = {}
        pass
        yield '\n    def '
        yield str(environment.getattr(l_1_m, 'name'))
        yield '(self, call: '
        yield str(environment.getattr(l_1_m, 'call_class'))
        yield ') -> '
        yield str(environment.getattr(l_1_m, 'returns'))
        yield ':\n        """'
        yield str(t_2(str_join(('State ', environment.getattr(l_1_m, 'state'), ': ', environment.getattr(l_1_m, 'summary'), )), '        '))
        yield '"""\n        raise NotImplementedError('
        yield str(t_3(str_join(('call ', environment.getattr(l_1_m, 'target'), ' here', ))))
        yield ')\n'
    l_1_m = missing
    for l_1_m in environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'http_methods'):
        _loop_vars = {}
        pass
        yield '\n    # State '
        yield str(t_1(environment.getattr(l_1_m, 'state')))
        yield ': the server makes this call over HTTP ('
        yield str(t_1(environment.getattr(l_1_m, 'target')))
        yield ').\n    # To make it yourself, define the method:\n    # def '
        yield str(environment.getattr(l_1_m, 'name'))
        yield '(self, call: '
        yield str(environment.getattr(l_1_m, 'call_class'))
        yield ') -> '
        yield str(environment.getattr(l_1_m, 'returns'))
        yield ':\n    #     return TaskResult(status=200, ok=True, body=...)\n'
    l_1_m = missing
    yield '\n\ndef create_handlers() -> '
    yield str(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'protocol'))
    yield ':\n    """Build the handlers passed to create_app (or named by --handlers)."""\n    return Handlers()\n'

blocks = {}
debug_info = '2=37&5=39&8=41&13=43&14=45&15=49&20=53&21=55&22=57&24=65&25=71&26=73&28=76&30=80&32=84&37=92'
