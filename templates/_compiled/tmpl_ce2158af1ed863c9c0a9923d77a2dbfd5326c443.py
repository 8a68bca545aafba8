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
        t_1 = environment.filters['docstring']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'docstring' found.")
    try:
        t_2 = environment.filters['py']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'py' found.")
    pass
    yield '"""'
    yield str(t_1(str_join(('Handlers for the ', environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'journey'), ' journey: its outbound calls. This file is yours to edit.', ))))
    yield '\n\nWritten once by `journeygen scaffold`; regeneration never touches it. Serve with:\n\n    python -m '
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
    yield ')\n\n\nclass Handlers:\n    """'
    yield str(t_1(str_join(('Implements ', environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'protocol'), '.', ))))
    yield '"""\n'
    for l_1_m in environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'methods'):
        _loop_vars = {}
        pass
        yield '\n    def '
        yield str(environment.getattr(l_1_m, 'name'))
        yield '(self, call: '
        yield str(environment.getattr(l_1_m, 'call_class'))
        yield ') -> '
        yield str(environment.getattr(l_1_m, 'returns'))
        yield ':\n        """'
        yield str(t_1(str_join(('State ', environment.getattr(l_1_m, 'state'), ': ', environment.getattr(l_1_m, 'summary'), )), '        '))
        yield '"""\n        raise NotImplementedError('
        yield str(t_2(str_join(('call ', environment.getattr(l_1_m, 'target'), ' here', ))))
        yield ')\n'
    l_1_m = missing
    yield '\n\ndef create_handlers() -> '
    yield str(environment.getattr((undefined(name='s') if l_0_s is missing else l_0_s), 'protocol'))
    yield ':\n    """Build the handlers passed to create_app (or named by --handlers)."""\n    return Handlers()\n'

blocks = {}
debug_info = '2=25&6=27&11=29&12=31&13=35&19=39&20=41&22=45&23=51&24=53&28=57'
