package dev.gantry.worker;

/** A handler registered for one kind, with the type its args are read into and its options. */
record Registration<A>(String kind, Class<A> argsType, JobHandler<A> handler, HandlerOptions options) {}
