package it;

public class Main {}
